package dev.jumpgate.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A bench's results as key=value lines, rewritten after every new value, so a run cut short leaves what it had. */
final class Results {

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Path file;

    Results(Path file) {
        this.file = file;
    }

    void put(String key, Object value) throws IOException {
        values.put(key, String.valueOf(value));
        write();
    }

    String get(String key) {
        return values.get(key);
    }

    void write() throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        StringBuilder s = new StringBuilder();
        values.forEach((k, v) -> s.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, s.toString());
    }
}

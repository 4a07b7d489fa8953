package dev.jumpgate.relay.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserKeyTest {

    @TempDir
    Path dir;

    /** `user key rm` takes what people copy from {@code ssh-keygen -l}, so the two must agree. */
    @Test
    void fingerprintIsWhatSshKeygenPrints() throws Exception {
        Path key = dir.resolve("id");
        Process gen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(gen.waitFor(30, TimeUnit.SECONDS) && gen.exitValue() == 0).isTrue();
        Process list = new ProcessBuilder("ssh-keygen", "-l", "-f", key + ".pub")
                .redirectErrorStream(true)
                .start();
        String printed = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split(" ")[1];

        String[] line = Files.readString(Path.of(key + ".pub")).split(" ");
        assertThat(new UserKey("alice", line[0], line[1], null).fingerprint()).hasToString(printed);
    }
}

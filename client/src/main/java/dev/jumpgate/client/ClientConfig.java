package dev.jumpgate.client;

import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.HostPort;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What {@code jumpgate login} remembers, in {@code $XDG_CONFIG_HOME/jumpgate/client.properties}
 * (default {@code ~/.config/jumpgate}): who the user is on which relay, where its TLS endpoint is and the
 * certificate it must present, and which key to prove the user with (none: ssh-agent, then the default keys).
 */
public record ClientConfig(String user, String relay, HostPort link, Fingerprint pin, Optional<Path> identity) {

    static final String FILE = "client.properties";

    public static Path dir() {
        return dir(System.getenv());
    }

    /** {@link #dir()} in the environment {@code env}. */
    public static Path dir(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("jumpgate");
    }

    /** The login file: what {@code jumpgate login} writes and every client command reads. */
    public static Path file(Map<String, String> env) {
        return dir(env).resolve(FILE);
    }

    public static ClientConfig load() throws NotLoggedInException, IOException {
        Path file = file(System.getenv());
        if (!Files.exists(file)) {
            throw new NotLoggedInException();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        try {
            return new ClientConfig(
                    p.getProperty("user"),
                    p.getProperty("relay"),
                    HostPort.parse(p.getProperty("link")),
                    Fingerprint.parse(p.getProperty("tls")),
                    Optional.ofNullable(p.getProperty("identity")).map(Path::of));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is damaged (" + e.getMessage() + "); run `jumpgate login` again", e);
        }
    }

    public Path save() throws IOException {
        Files.createDirectories(dir());
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("relay", relay);
        p.setProperty("link", link.toString());
        p.setProperty("tls", pin.toString());
        identity.ifPresent(i -> p.setProperty("identity", i.toAbsolutePath().toString()));
        StringWriter w = new StringWriter();
        p.store(w, "written by `jumpgate login`");
        Path file = file(System.getenv());
        Files.writeString(file, w.toString());
        return file;
    }

    /** The one error every client command can end in before anything else. */
    public static final class NotLoggedInException extends Exception {
        public NotLoggedInException() {
            super("not logged in: run `jumpgate login USER@RELAY:PORT`");
        }
    }
}

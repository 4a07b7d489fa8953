package dev.jumpgate.client.mux;

import dev.jumpgate.client.ClientConfig;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the mux for one login listens: {@code $XDG_RUNTIME_DIR/jumpgate/mux-HASH.sock} (else under the config
 * directory), in a directory only the user may enter, which is what keeps other users off it. HASH covers
 * everything the mux's link depends on: the login ({@link ClientConfig}), the environment variables that choose
 * the transport and the key source, and the client's own build, so a new login, another proxy setting or an
 * upgraded jumpgate gets a mux of its own and the old one ends when idle.
 */
public record MuxSocket(Path dir, String name) {

    /** The environment the mux's link is made from (see {@code RelayClient.plan} and the key sources). */
    static final List<String> LINK_ENVIRONMENT = List.of(
            "JUMPGATE_TRANSPORT",
            "JUMPGATE_PROXY",
            "JUMPGATE_RELAY_HTTP",
            "HTTPS_PROXY",
            "https_proxy",
            "NO_PROXY",
            "no_proxy",
            "SSH_AUTH_SOCK");

    /** sun_path is 108 bytes on Linux; a longer path cannot be bound. */
    static final int MAX_PATH = 100;

    /** The mux for {@code login} in this environment; empty if its path would be too long to bind. */
    public static Optional<MuxSocket> current(ClientConfig login, Map<String, String> env) {
        String runtime = env.get("XDG_RUNTIME_DIR");
        Path dir = runtime != null && !runtime.isBlank()
                ? Path.of(runtime, "jumpgate")
                : ClientConfig.dir().resolve("mux");
        MuxSocket s = new MuxSocket(dir, "mux-" + hash(login, env));
        return s.socket().toString().length() <= MAX_PATH ? Optional.of(s) : Optional.empty();
    }

    public Path socket() {
        return dir.resolve(name + ".sock");
    }

    /** Held (locked) by the running mux; it holds its pid. */
    public Path lock() {
        return dir.resolve(name + ".pid");
    }

    public Path log() {
        return dir.resolve(name + ".log");
    }

    /** Touched when a mux could not log in; while recent, no proxy starts another. */
    public Path failed() {
        return dir.resolve(name + ".failed");
    }

    /** Creates the directory owner-only, or refuses one that others could enter or that is not the user's. */
    public void secureDir() throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                // another client made it at the same moment; checked below
            }
        }
        String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
        if (!perms.endsWith("------")
                || !Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS)
                        .equals(Files.getOwner(Path.of(System.getProperty("user.home"))))) {
            throw new IOException(dir + " must be the user's own and closed to others (chmod 700), "
                    + "since whoever can reach the mux acts as this user");
        }
    }

    private static String hash(ClientConfig login, Map<String, String> env) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            String identity = login.identity().map(Path::toString).orElse("");
            d.update(String.join(
                            "\n",
                            login.user(),
                            login.relay(),
                            login.link().toString(),
                            login.pin().toString(),
                            identity,
                            "")
                    .getBytes(StandardCharsets.UTF_8));
            for (String name : LINK_ENVIRONMENT) {
                d.update((name + "=" + env.getOrDefault(name, "") + "\n").getBytes(StandardCharsets.UTF_8));
            }
            d.update(build().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The client's code (its jar, or its class directory) and when it was last built. */
    private static String build() {
        try {
            Path code = Path.of(MuxSocket.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return code + "@" + Files.getLastModifiedTime(code).toMillis();
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return "unknown";
        }
    }
}

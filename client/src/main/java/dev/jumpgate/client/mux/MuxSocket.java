package dev.jumpgate.client.mux;

import dev.jumpgate.client.ClientConfig;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the mux for one login listens: {@code $XDG_RUNTIME_DIR/jumpgate/mux-HASH.sock} (else under the config
 * directory), in a directory only the user may enter, which is what keeps other users off it. HASH covers
 * everything the mux's link depends on: the login file's bytes ({@link ClientConfig#file}), the environment
 * variables that choose the transport and the key source, and the client's own build (its jar's device, inode,
 * size and modification time), so a new login, another proxy setting or an upgraded jumpgate gets a mux of its
 * own and the old one ends when idle. {@code jumpgate-dial} (cli/src/main/c) computes the same name from the same
 * inputs, which is why each is bytes a C program reads as easily (docs/PROTOCOL.md, "Mux").
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

    /**
     * The mux for the login of {@code env} ({@code XDG_CONFIG_HOME}'s client.properties), started from the build
     * at {@code build}; empty if its path would be too long to bind. Throws if the login file cannot be read.
     */
    public static Optional<MuxSocket> current(Map<String, String> env, Path build) throws IOException {
        String runtime = env.get("XDG_RUNTIME_DIR");
        Path dir = runtime != null && !runtime.isBlank()
                ? Path.of(runtime, "jumpgate")
                : ClientConfig.dir(env).resolve("mux");
        MuxSocket s = new MuxSocket(dir, "mux-" + hash(Files.readAllBytes(ClientConfig.file(env)), env, build));
        return s.socket().toString().length() <= MAX_PATH ? Optional.of(s) : Optional.empty();
    }

    /** {@link #current(Map, Path)} for the build this class was loaded from. */
    public static Optional<MuxSocket> current(Map<String, String> env) throws IOException {
        return current(env, build());
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

    /**
     * FNV-1a (64 bits) over, in this order: {@code jumpgate-mux 2\n}, the login file's bytes, {@code \nbuild DEV
     * INO SIZE SECONDS.NANOS\n} of the build (decimal, nanoseconds in 9 digits; all 0 when it cannot be read), and
     * {@code NAME=VALUE\n} for each of {@link #LINK_ENVIRONMENT}; as 16 hex digits. Not a cryptographic hash, and
     * it needs none: every input is the user's own, and only the owner-only directory keeps others out.
     */
    static String hash(byte[] login, Map<String, String> env, Path build) {
        Fnv64 h = new Fnv64();
        h.add("jumpgate-mux 2\n").add(login).add("\nbuild " + identity(build) + "\n");
        for (String name : LINK_ENVIRONMENT) {
            h.add(name + "=" + env.getOrDefault(name, "") + "\n");
        }
        return HexFormat.of().toHexDigits(h.value);
    }

    /** {@code DEV INO SIZE SECONDS.NANOS} of {@code file}, as stat(2) gives them; zeros if it cannot be read. */
    static String identity(Path file) {
        try {
            Map<String, Object> a = Files.readAttributes(file, "unix:dev,ino,size,lastModifiedTime");
            Instant modified = ((FileTime) a.get("lastModifiedTime")).toInstant();
            String nanos = Integer.toString(modified.getNano());
            return Long.toUnsignedString((Long) a.get("dev")) + " " + Long.toUnsignedString((Long) a.get("ino")) + " "
                    + a.get("size") + " " + modified.getEpochSecond() + "." + "0".repeat(9 - nanos.length()) + nanos;
        } catch (IOException | RuntimeException e) {
            return "0 0 0 0.000000000";
        }
    }

    /** Where this client's code was loaded from: its jar, or its class directory. */
    private static Path build() {
        try {
            return Path.of(MuxSocket.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("/nonexistent");
        }
    }

    /** 64-bit FNV-1a over UTF-8. */
    private static final class Fnv64 {
        long value = 0xcbf29ce484222325L;

        Fnv64 add(byte[] bytes) {
            for (byte b : bytes) {
                value = (value ^ (b & 0xff)) * 0x100000001b3L;
            }
            return this;
        }

        Fnv64 add(String s) {
            return add(s.getBytes(StandardCharsets.UTF_8));
        }
    }
}

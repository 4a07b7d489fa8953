package dev.jumpgate.client.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jumpgate.client.ClientConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MuxSocketTest {

    @TempDir
    Path tmp;

    /** Stands in for the client's jar. */
    private Path build;

    /** An environment whose login file holds {@code login}, with the mux directory under {@code tmp}. */
    private Map<String, String> env(String login, String... more) throws IOException {
        Map<String, String> env = new HashMap<>(Map.of(
                "XDG_RUNTIME_DIR",
                tmp.toString(),
                "XDG_CONFIG_HOME",
                tmp.resolve(login.isEmpty() ? "empty" : Integer.toHexString(login.hashCode()))
                        .toString()));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        Files.createDirectories(ClientConfig.dir(env));
        Files.writeString(ClientConfig.file(env), login);
        return env;
    }

    private String name(Map<String, String> env) throws IOException {
        return MuxSocket.current(env, build).orElseThrow().name();
    }

    @BeforeEach
    void aBuild() throws IOException {
        build = Files.writeString(tmp.resolve("jumpgate.jar"), "a build");
    }

    @Test
    void aDirectoryOthersMayEnterIsRefused() throws IOException {
        Path open = Files.createDirectory(
                tmp.resolve("open"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        assertThatThrownBy(() -> new MuxSocket(open, "mux-x").secureDir()).hasMessageContaining("chmod 700");
    }

    @Test
    void aMissingDirectoryIsMadeOwnerOnly() throws IOException {
        Path dir = tmp.resolve("run/jumpgate");
        new MuxSocket(dir, "mux-x").secureDir();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                .isEqualTo("rwx------");
    }

    @Test
    void anotherLoginTransportKeySourceOrBuildGetsAMuxOfItsOwn() throws IOException {
        String login = "user=alice\nrelay=relay.example.com\\:2222\n";
        String name = name(env(login));
        assertThat(name(env(login))).isEqualTo(name);
        assertThat(name(env(login.replace("alice", "bob")))).as("another login").isNotEqualTo(name);
        assertThat(name(env(login, "JUMPGATE_TRANSPORT", "websocket"))).isNotEqualTo(name);
        assertThat(name(env(login, "SSH_AUTH_SOCK", "/tmp/agent.1"))).isNotEqualTo(name);
        assertThat(name(env(login, "TERM", "xterm")))
                .as("what the link does not depend on")
                .isEqualTo(name);
        Files.setLastModifiedTime(
                build, FileTime.fromMillis(Files.getLastModifiedTime(build).toMillis() + 1000));
        assertThat(name(env(login))).as("an upgraded client").isNotEqualTo(name);
    }

    @Test
    void theNameIsFnv1aOfTheLoginTheBuildAndTheLinkEnvironment() {
        // The bytes jumpgate-dial (cli/src/main/c) hashes too: a change here must change it there.
        Path none = tmp.resolve("absent.jar");
        assertThat(MuxSocket.identity(none)).isEqualTo("0 0 0 0.000000000");
        assertThat(MuxSocket.hash("".getBytes(StandardCharsets.UTF_8), Map.of(), none))
                .isEqualTo(fnv1a("jumpgate-mux 2\n\nbuild 0 0 0 0.000000000\n"
                        + String.join(
                                "",
                                MuxSocket.LINK_ENVIRONMENT.stream()
                                        .map(n -> n + "=\n")
                                        .toList())));
    }

    /** FNV-1a 64 as its specification gives it, for the test above. */
    private static String fnv1a(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return String.format("%016x", h);
    }

    @Test
    void aPathTooLongForAUnixSocketMeansNoMux() throws IOException {
        Map<String, String> longer = env("user=alice\n");
        longer.put("XDG_RUNTIME_DIR", "/tmp/" + "d".repeat(100));
        assertThat(MuxSocket.current(longer, build)).isEmpty();
        assertThat(MuxSocket.current(env("user=alice\n"), build)
                        .orElseThrow()
                        .socket()
                        .toString())
                .startsWith(tmp.toString())
                .endsWith(".sock");
    }
}

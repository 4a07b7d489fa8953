package dev.jumpgate.client.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jumpgate.client.ClientConfig;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.HostPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MuxSocketTest {

    private static final ClientConfig LOGIN = new ClientConfig(
            "alice",
            "relay.example.com:2222",
            HostPort.parse("relay.example.com:443"),
            Fingerprint.of(new byte[] {1, 2, 3}),
            Optional.empty());

    @TempDir
    Path tmp;

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
    void anotherTransportOrKeySourceGetsAMuxOfItsOwn() throws IOException {
        Map<String, String> base = Map.of("XDG_RUNTIME_DIR", tmp.toString());
        String name = MuxSocket.current(LOGIN, base).orElseThrow().name();
        assertThat(MuxSocket.current(LOGIN, base).orElseThrow().name()).isEqualTo(name);
        assertThat(MuxSocket.current(
                                LOGIN, Map.of("XDG_RUNTIME_DIR", tmp.toString(), "JUMPGATE_TRANSPORT", "websocket"))
                        .orElseThrow()
                        .name())
                .isNotEqualTo(name);
        assertThat(MuxSocket.current(LOGIN, Map.of("XDG_RUNTIME_DIR", tmp.toString(), "SSH_AUTH_SOCK", "/tmp/agent.1"))
                        .orElseThrow()
                        .name())
                .isNotEqualTo(name);
        assertThat(MuxSocket.current(LOGIN, Map.of("XDG_RUNTIME_DIR", tmp.toString(), "TERM", "xterm"))
                        .orElseThrow()
                        .name())
                .as("what the link does not depend on")
                .isEqualTo(name);
    }

    @Test
    void aPathTooLongForAUnixSocketMeansNoMux() throws IOException {
        assertThat(MuxSocket.current(LOGIN, Map.of("XDG_RUNTIME_DIR", "/tmp/" + "d".repeat(100))))
                .isEmpty();
        assertThat(MuxSocket.current(LOGIN, Map.of("XDG_RUNTIME_DIR", tmp.toString()))
                        .orElseThrow()
                        .socket()
                        .toString())
                .startsWith(tmp.toString())
                .endsWith(".sock");
    }
}

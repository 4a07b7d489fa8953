package dev.jumpgate.agent.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.common.io.nio2.Nio2Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedSocketTest {

    @TempDir
    Path dir;

    @Test
    void acceptedConnectionsHaveNagleOff() throws Exception {
        EmbeddedSettings settings = new EmbeddedSettings(
                dir, List.of(), ForwardingPolicy.none(), EnvAllowList.defaults(), EmbeddedSettings.DEFAULT_KEEPALIVE);
        try (EmbeddedServer server = EmbeddedServer.start(settings);
                Socket client =
                        new Socket(server.address().host(), server.address().port())) {
            InputStream in = client.getInputStream();
            assertThat(new String(in.readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("SSH-");

            await().atMost(Duration.ofSeconds(5))
                    .until(() -> !server.server().getActiveSessions().isEmpty());
            Nio2Session io =
                    (Nio2Session) server.server().getActiveSessions().getFirst().getIoSession();
            // MINA writes packet by packet: with Nagle on, a window adjust waits for the agent's delayed ACK.
            assertThat(io.getSocket().getOption(StandardSocketOptions.TCP_NODELAY))
                    .isTrue();
        }
    }
}

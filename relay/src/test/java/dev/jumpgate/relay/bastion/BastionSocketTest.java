package dev.jumpgate.relay.bastion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.relay.Access;
import dev.jumpgate.relay.console.Console;
import dev.jumpgate.relay.link.Links;
import dev.jumpgate.relay.store.Store;
import java.io.InputStream;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.sshd.common.io.nio2.Nio2Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BastionSocketTest {

    @TempDir
    Path dir;

    @Test
    void acceptedConnectionsHaveNagleOff() throws Exception {
        try (Store store = Store.open(dir)) {
            Links links = new Links(store, Runnable::run);
            Access access = new Access(store, links);
            Console console = new Console(store, links, access, HostPort.parse("relay.example.com:2222"),
                    Fingerprint.of(new byte[] {1}));
            try (Bastion bastion = Bastion.start(HostPort.parse("127.0.0.1:0"), dir.resolve("host_key"), store, access,
                    console);
                    Socket client = new Socket("127.0.0.1", bastion.port())) {
                InputStream in = client.getInputStream();
                byte[] banner = in.readNBytes(4);
                assertThat(new String(banner, StandardCharsets.US_ASCII)).isEqualTo("SSH-");

                await().atMost(Duration.ofSeconds(5)).until(() -> !bastion.server().getActiveSessions().isEmpty());
                Nio2Session io = (Nio2Session) bastion.server().getActiveSessions().getFirst().getIoSession();
                // Window adjusts are small packets: with Nagle on they wait for the jump client's delayed ACK.
                assertThat(io.getSocket().getOption(StandardSocketOptions.TCP_NODELAY)).isTrue();
            }
        }
    }
}

package dev.jumpgate.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.protocol.StreamRequest;
import dev.jumpgate.transport.link.StreamHeaders;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The agent's answer to a stream request, over a real link: connect, 200 and splice, or say why not. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamRequestHandlerTest {

    private static final DeviceName PI = new DeviceName("pi-kitchen");

    private static Targets sshAt(int port, HostPort... allowed) {
        return new Targets(PI, new HostPort("127.0.0.1", port), List.of(allowed));
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void bytesSentBeforeStreamOpensAreDeliveredInOrder() throws Exception {
        try (CloggedTarget target = new CloggedTarget();
                RelayEnd relay = new RelayEnd(sshAt(target.port()))) {
            RelayEnd.Stream stream = relay.open("pi-kitchen:22");
            byte[] early = random(300 * 1024, 1);
            // The relay does not wait for the 200: these bytes reach the agent while its connect is pending.
            stream.send(early, 1000).get(10, TimeUnit.SECONDS);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !stream.answer.isDone());

            try (Socket local = target.release()) {
                Http2HeadersFrame answer = stream.answer.get(10, TimeUnit.SECONDS);
                assertThat(StreamHeaders.isAccepted(answer.headers())).isTrue();
                byte[] late = random(100 * 1024, 2);
                stream.send(late, 7000);
                InputStream in = local.getInputStream();
                assertThat(in.readNBytes(early.length))
                        .as("bytes sent before the 200")
                        .isEqualTo(early);
                assertThat(in.readNBytes(late.length))
                        .as("bytes sent after the 200")
                        .isEqualTo(late);

                byte[] reply = "SSH-2.0-test\r\n".getBytes(StandardCharsets.US_ASCII);
                local.getOutputStream().write(reply);
                await().atMost(Duration.ofSeconds(5)).until(() -> stream.received().length == reply.length);
                assertThat(stream.received()).isEqualTo(reply);
            }
        }
    }

    @Test
    void targetThatRefusesConnectionsGets502NamingTheTarget() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        try (RelayEnd relay = new RelayEnd(sshAt(deadPort))) {
            RelayEnd.Stream stream = relay.open("pi-kitchen:22");
            Http2HeadersFrame answer = stream.answer.get(15, TimeUnit.SECONDS);
            assertThat(answer.headers().status().toString()).isEqualTo(StreamRequest.STATUS_BAD_GATEWAY);
            assertThat(answer.isEndStream()).isTrue();
            assertThat(StreamHeaders.reason(answer.headers()))
                    .contains("pi-kitchen", "cannot connect to 127.0.0.1:" + deadPort);
            stream.closed.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void targetNotAllowedGets403NamingWhatIsAllowed() throws Exception {
        try (RelayEnd relay = new RelayEnd(sshAt(1, HostPort.parse("127.0.0.1:8080")))) {
            RelayEnd.Stream stream = relay.open("pi-kitchen:9090");
            Http2HeadersFrame answer = stream.answer.get(10, TimeUnit.SECONDS);
            assertThat(answer.headers().status().toString()).isEqualTo(StreamRequest.STATUS_FORBIDDEN);
            assertThat(answer.isEndStream()).isTrue();
            assertThat(StreamHeaders.reason(answer.headers()))
                    .contains("does not allow pi-kitchen:9090", "pi-kitchen:22 (ssh), 127.0.0.1:8080");
        }
    }

    @Test
    void unparsableAuthorityGets403() throws Exception {
        try (RelayEnd relay = new RelayEnd(sshAt(1))) {
            RelayEnd.Stream stream = relay.open("pi-kitchen");
            Http2HeadersFrame answer = stream.answer.get(10, TimeUnit.SECONDS);
            assertThat(answer.headers().status().toString()).isEqualTo(StreamRequest.STATUS_FORBIDDEN);
            assertThat(StreamHeaders.reason(answer.headers())).startsWith("bad stream request");
        }
    }

    @Test
    void allowedDevicePortIsSplicedToLoopback() throws Exception {
        try (ServerSocket service = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                RelayEnd relay = new RelayEnd(sshAt(1, new HostPort("127.0.0.1", service.getLocalPort())))) {
            service.setSoTimeout(10_000);
            RelayEnd.Stream stream = relay.open("pi-kitchen:" + service.getLocalPort());
            try (Socket local = service.accept()) {
                assertThat(StreamHeaders.isAccepted(
                                stream.answer.get(10, TimeUnit.SECONDS).headers()))
                        .isTrue();
                byte[] up = random(64 * 1024, 3);
                stream.send(up, 4096);
                assertThat(local.getInputStream().readNBytes(up.length)).isEqualTo(up);
                byte[] down = random(64 * 1024, 4);
                OutputStream out = local.getOutputStream();
                out.write(down);
                await().atMost(Duration.ofSeconds(5)).until(() -> stream.received().length == down.length);
                assertThat(stream.received()).isEqualTo(down);
            }
        }
    }
}

package dev.jumpgate.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.LinkCodec;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.protocol.WireWriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Whatever arrives on the link port that is not a proper agent is closed, and good agents are still served. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LinkServerHardeningTest {

    private LinkHarness relay;

    @BeforeEach
    void start() throws InterruptedException {
        relay = new LinkHarness();
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    /** Reads until the peer closes; true if it did so (EOF or reset) within the socket's timeout. */
    private static boolean closedByPeer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // TLS alerts may come first
            }
            return true;
        } catch (SocketException reset) {
            return true;
        }
    }

    private static byte[] frame(byte[] prefix, byte[] body) {
        return ByteBuffer.allocate(prefix.length + 4 + body.length)
                .put(prefix)
                .putInt(body.length)
                .put(body)
                .array();
    }

    private static LinkMessage.Refusal refusalIn(byte[] received) {
        assertThat(received.length).as("the relay answered with a frame").isGreaterThan(4);
        int length = ByteBuffer.wrap(received).getInt();
        LinkMessage m = LinkCodec.decode(Arrays.copyOfRange(received, 4, 4 + length));
        assertThat(m).isInstanceOf(LinkMessage.Refusal.class);
        return (LinkMessage.Refusal) m;
    }

    @Test
    void plainTcpGarbageIsClosed() throws Exception {
        try (Socket s =
                new Socket(InetAddress.getLoopbackAddress(), relay.address().port())) {
            s.setSoTimeout(15_000);
            s.getOutputStream()
                    .write("GET / HTTP/1.1\r\nHost: relay\r\n\r\n".repeat(20).getBytes(StandardCharsets.US_ASCII));
            assertThat(closedByPeer(s)).isTrue();
        }
        assertThat(relay.asked).isEmpty();
        relay.assertAGoodAgentIsStillServed();
    }

    @Test
    void wrongMagicInsideTlsIsClosedWithoutAnAnswer() throws Exception {
        RawTlsClient client = RawTlsClient.send(relay, "SSH-2.0-OpenSSH_9.6\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(client.closedWithin(10)).isTrue();
        assertThat(client.tlsUp).isCompleted();
        assertThat(client.received()).isEmpty();
        assertThat(relay.asked).isEmpty();
        relay.assertAGoodAgentIsStillServed();
    }

    @Test
    void oversizedHandshakeFrameIsRefusedAsProtocolError() throws Exception {
        byte[] huge = ByteBuffer.allocate(8).put(LinkCodec.MAGIC).putInt(-1).array();
        RawTlsClient client = RawTlsClient.send(relay, huge);
        assertThat(client.closedWithin(10)).isTrue();
        LinkMessage.Refusal refusal = refusalIn(client.received());
        assertThat(refusal.reason()).isEqualTo(LinkMessage.Reason.PROTOCOL);
        assertThat(refusal.detail()).contains("exceeds");
        assertThat(relay.asked).isEmpty();
        relay.assertAGoodAgentIsStillServed();
    }

    @Test
    void malformedHelloIsRefusedAsProtocolError() throws Exception {
        byte[] body = new WireWriter().u8(1).str("192.168.1.1").toByteArray();
        RawTlsClient client = RawTlsClient.send(relay, frame(LinkCodec.MAGIC, body));
        assertThat(client.closedWithin(10)).isTrue();
        LinkMessage.Refusal refusal = refusalIn(client.received());
        assertThat(refusal.reason()).isEqualTo(LinkMessage.Reason.PROTOCOL);
        assertThat(refusal.detail()).contains("invalid device name");
        assertThat(relay.asked).isEmpty();
        relay.assertAGoodAgentIsStillServed();
    }

    @Test
    void aFirstMessageOtherThanHelloIsRefused() throws Exception {
        byte[] welcome = LinkCodec.encode(new LinkMessage.Welcome("i am a relay", 10));
        RawTlsClient client = RawTlsClient.send(relay, frame(LinkCodec.MAGIC, welcome));
        assertThat(client.closedWithin(10)).isTrue();
        assertThat(refusalIn(client.received()).detail()).contains("expected Hello");
        assertThat(relay.asked).isEmpty();
        relay.assertAGoodAgentIsStillServed();
    }

    @Test
    void aConnectionThatNeverFinishesItsHandshakeIsDroppedAfterTheLimit() throws Exception {
        long limit = LinkSettings.HANDSHAKE_LIMIT.toMillis();
        try (Socket silent = new Socket(
                        InetAddress.getLoopbackAddress(), relay.address().port());
                Socket halfHello = new Socket(
                        InetAddress.getLoopbackAddress(), relay.address().port())) {
            RawTlsClient partial = RawTlsClient.send(relay, Arrays.copyOf(LinkCodec.MAGIC, 3));
            long start = System.nanoTime();
            silent.setSoTimeout((int) limit + 10_000);
            halfHello.getOutputStream().write(0x16); // the first byte of a TLS record, and nothing more
            halfHello.setSoTimeout((int) limit + 10_000);
            assertThat(closedByPeer(silent)).isTrue();
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(waited).as("closed by the handshake limit, not earlier").isGreaterThan(limit - 1_000);
            assertThat(closedByPeer(halfHello)).isTrue();
            assertThat(partial.closedWithin(5)).isTrue();
        }
        relay.assertAGoodAgentIsStillServed();
    }
}

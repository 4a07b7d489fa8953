package dev.jumpgate.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.transport.Route;
import dev.jumpgate.transport.Transport;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.URI;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every transport carries the same link: the relay sees the agent's key and Hello, and a stream's bytes
 * round-trip intact, whether they went over TLS, a WebSocket, or long-poll requests (HTTPS or plain HTTP).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TransportLinkTest {

    private LinkHarness relay;

    @BeforeEach
    void start() throws InterruptedException {
        relay = new LinkHarness();
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private Route route(String name) {
        return switch (name) {
            case "tls" -> Route.direct(relay.address());
            case "websocket" ->
                new Route(
                        Transport.WEBSOCKET,
                        relay.address(),
                        Optional.empty(),
                        URI.create("https://127.0.0.1:" + relay.address().port()));
            case "https-poll" ->
                new Route(
                        Transport.HTTP_POLL,
                        relay.address(),
                        Optional.empty(),
                        URI.create("https://127.0.0.1:" + relay.address().port()));
            case "http-poll" -> new Route(Transport.HTTP_POLL, relay.address(), Optional.empty(), relay.pollUrl());
            default -> throw new IllegalArgumentException(name);
        };
    }

    /**
     * Long-poll through a path that cuts every other connection at a random point of its answer: requests are
     * repeated, answers lost or cut, and the stream still arrives intact, over one link that never drops.
     */
    @Test
    void longPollSurvivesCutAndLostAnswersWithTheStreamIntact() throws Exception {
        try (CuttingForwarder path = new CuttingForwarder(relay.pollUrl().getPort(), 2)) {
            Route route = new Route(
                    Transport.HTTP_POLL,
                    relay.address(),
                    Optional.empty(),
                    URI.create("http://127.0.0.1:" + path.port()));
            RelayLink link = relay.link(route, "pi-lossy", EchoStreams.handler());
            StreamProbe probe = StreamProbe.open(link, "pi-lossy:22");
            assertThat(StreamHeaders.isAccepted(probe.awaitResponse())).isTrue();
            byte[] data = new byte[4 * 1024 * 1024];
            new Random(9).nextBytes(data);
            probe.send(data, 32 * 1024, true, n -> {});
            probe.ended.get(60, TimeUnit.SECONDS);
            assertThat(probe.receivedDigest()).isEqualTo(StreamProbe.sha256(data));
            assertThat(path.cut.get()).as("connections cut on the way").isPositive();
            assertThat(link.isActive()).isTrue();
            assertThat(relay.links).as("no second link was needed").isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tls", "websocket", "https-poll", "http-poll"})
    void eightMegabytesRoundTripIntactOverEveryTransport(String transport) throws Exception {
        RelayLink link = relay.link(route(transport), "pi-kitchen", EchoStreams.handler());
        assertThat(relay.asked).hasSize(1);

        StreamProbe probe = StreamProbe.open(link, "pi-kitchen:22");
        Http2Headers answer = probe.awaitResponse();
        assertThat(StreamHeaders.isAccepted(answer)).isTrue();
        byte[] data = new byte[8 * 1024 * 1024];
        new Random(7).nextBytes(data);
        probe.send(data, 64 * 1024, true, n -> {});
        probe.ended.get(60, TimeUnit.SECONDS);
        assertThat(probe.received.get()).isEqualTo(data.length);
        assertThat(probe.receivedDigest()).isEqualTo(StreamProbe.sha256(data));
    }
}

package dev.jumpgate.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connections that have not authenticated are bounded per address and in all, on the TLS port and the plain-HTTP
 * long-poll port, and none outlives the handshake limit by turning into HTTP: what a flooder holds is bounded,
 * and agents from elsewhere still link.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StartLimitTest {

    private static final int PER_ADDRESS = StartLimit.Settings.DEFAULTS.perAddress();

    private LinkHarness relay;
    private final List<HttpSocket> held = new ArrayList<>();

    @BeforeEach
    void start() throws InterruptedException {
        relay = new LinkHarness();
    }

    @AfterEach
    void stop() throws Exception {
        for (HttpSocket s : held) {
            s.close();
        }
        relay.close();
    }

    @Test
    void aConnectionBeyondThePerAddressLimitOnTheTlsPortIsClosedAtOnceAndOtherAddressesStillLink() throws Exception {
        for (int i = 0; i < PER_ADDRESS; i++) {
            held.add(HttpSocket.tls("127.0.0.2", relay.address().port())); // TLS done: accepted and counted
        }
        try (HttpSocket over = HttpSocket.plain("127.0.0.2", relay.address().port())) {
            assertThat(over.closedByPeer(3_000))
                    .as("closed long before the handshake limit")
                    .isTrue();
        }
        assertThat(held.getLast().closedByPeer(500))
                .as("the last one within the limit is kept")
                .isFalse();
        relay.assertAGoodAgentIsStillServed();
    }

    @Test
    void aLinkedAgentNoLongerCountsAgainstItsAddress() throws Exception {
        relay.assertAGoodAgentIsStillServed(); // from 127.0.0.1, linked and still open
        for (int i = 0; i < PER_ADDRESS; i++) {
            held.add(HttpSocket.tls("127.0.0.1", relay.address().port()));
        }
        assertThat(held.getLast().closedByPeer(1_000))
                .as("the agent's link left room for this one")
                .isFalse();
        try (HttpSocket over = HttpSocket.plain("127.0.0.1", relay.address().port())) {
            assertThat(over.closedByPeer(3_000)).isTrue();
        }
    }

    @Test
    void aConnectionBeyondThePerAddressLimitOnThePollPortIsClosedAtOnce() throws Exception {
        int port = relay.pollUrl().getPort();
        for (int i = 0; i < PER_ADDRESS; i++) {
            HttpSocket s = HttpSocket.plain("127.0.0.3", port);
            held.add(s);
            // Answered: accepted and counted before the next one is made.
            assertThat(s.request("POST", "/v1/poll/none/up?seq=0", new byte[0]).status())
                    .isEqualTo(404);
        }
        try (HttpSocket over = HttpSocket.plain("127.0.0.3", port)) {
            assertThat(over.closedByPeer(3_000)).isTrue();
        }
        assertThat(held.getLast().closedByPeer(500)).isFalse();
    }

    /**
     * An HTTP connection that keeps asking about a session whose link never authenticates is a slowloris all the
     * same: on both ports, it is closed at the handshake limit however busy it keeps itself.
     */
    @Test
    void httpConnectionsThatNeverCarryALinkedSessionAreClosedAtTheHandshakeLimit() throws Exception {
        long limit = LinkSettings.HANDSHAKE_LIMIT.toMillis();
        try (HttpSocket plain = HttpSocket.plain("127.0.0.4", relay.pollUrl().getPort());
                HttpSocket tls = HttpSocket.tls("127.0.0.4", relay.address().port())) {
            long start = System.nanoTime();
            String plainId = new String(plain.open().body(), StandardCharsets.US_ASCII);
            String tlsId = new String(tls.open().body(), StandardCharsets.US_ASCII);
            long plainClosed = 0;
            long tlsClosed = 0;
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(limit * 2);
            while ((plainClosed == 0 || tlsClosed == 0) && System.nanoTime() < deadline) {
                // Busy enough that no idle rule applies: an empty POST on each, twice a second.
                if (plainClosed == 0 && !answers(plain, plainId)) {
                    plainClosed = System.nanoTime();
                }
                if (tlsClosed == 0 && !answers(tls, tlsId)) {
                    tlsClosed = System.nanoTime();
                }
                Thread.sleep(500); // the flooder's pace, not a wait for a condition
            }
            assertThat(plainClosed)
                    .as("plain-HTTP connection closed within twice the limit")
                    .isPositive();
            assertThat(tlsClosed)
                    .as("TLS connection closed within twice the limit")
                    .isPositive();
            assertThat(TimeUnit.NANOSECONDS.toMillis(Math.min(plainClosed, tlsClosed) - start))
                    .as("not before the limit")
                    .isGreaterThan(limit - 1_000);
        }
        relay.assertAGoodAgentIsStillServed();
    }

    private static boolean answers(HttpSocket s, String id) {
        try {
            s.request("POST", "/v1/poll/" + id + "/up?seq=0", new byte[0]);
            return true;
        } catch (IOException closed) {
            return false;
        }
    }
}

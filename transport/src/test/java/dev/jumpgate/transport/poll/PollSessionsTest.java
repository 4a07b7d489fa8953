package dev.jumpgate.transport.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jumpgate.transport.Route;
import dev.jumpgate.transport.Transport;
import dev.jumpgate.transport.link.EchoStreams;
import dev.jumpgate.transport.link.HttpSocket;
import dev.jumpgate.transport.link.LinkHarness;
import dev.jumpgate.transport.link.RelayLink;
import dev.jumpgate.transport.link.StreamHeaders;
import dev.jumpgate.transport.link.StreamProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Long-poll sessions cost little until their link authenticates: few per address, a small window for early bytes,
 * a short life; and a sender whose ranges overlap to hold more than its window loses its session.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PollSessionsTest {

    private LinkHarness relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    private static String id(HttpSocket.Reply opened) {
        assertThat(opened.status()).isEqualTo(200);
        return new String(opened.body(), StandardCharsets.US_ASCII);
    }

    @Test
    void sessionsNotYetLinkedAreBoundedPerAddressAndOtherAddressesStillOpen() throws Exception {
        relay = new LinkHarness(PollLimits.DEFAULTS);
        int perAddress = PollLimits.DEFAULTS.unlinkedPerAddress();
        try (HttpSocket flood = HttpSocket.plain("127.0.0.2", relay.pollUrl().getPort());
                HttpSocket other = HttpSocket.plain("127.0.0.3", relay.pollUrl().getPort())) {
            for (int i = 0; i < perAddress; i++) {
                id(flood.open());
            }
            HttpSocket.Reply refused = flood.open();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(new String(refused.body(), StandardCharsets.US_ASCII))
                    .contains("not yet linked from 127.0.0.2")
                    .contains("try again later");
            id(other.open());
            assertThat(relay.server().pollSessions()).isEqualTo(perAddress + 1);
        }
    }

    @Test
    void aSessionWhoseLinkNeverAuthenticatesIsForgottenWithinSeconds() throws Exception {
        relay = new LinkHarness(PollLimits.DEFAULTS);
        String id;
        try (HttpSocket s = HttpSocket.plain("127.0.0.2", relay.pollUrl().getPort())) {
            id = id(s.open());
            long start = System.nanoTime();
            await().atMost(Duration.ofSeconds(20)).until(() -> relay.server().pollSessions() == 0);
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThanOrEqualTo(PollLimits.DEFAULTS.unlinkedLife().plusSeconds(2));
        }
        try (HttpSocket later = HttpSocket.plain("127.0.0.2", relay.pollUrl().getPort())) {
            assertThat(later.request("POST", "/v1/poll/" + id + "/up?seq=0", new byte[0])
                            .status())
                    .isEqualTo(404);
        }
    }

    @Test
    void earlyBytesBeyondTheUnlinkedWindowAreNotStored() throws Exception {
        relay = new LinkHarness(PollLimits.DEFAULTS);
        try (HttpSocket s = HttpSocket.plain("127.0.0.2", relay.pollUrl().getPort())) {
            String id = id(s.open());
            long beyond = PollLimits.UNLINKED_WINDOW;
            HttpSocket.Reply r = s.request("POST", "/v1/poll/" + id + "/up?seq=" + beyond, new byte[1024]);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.number(PollWire.STORED)).as("nothing stored").isEqualTo(beyond);
            HttpSocket.Reply within = s.request("POST", "/v1/poll/" + id + "/up?seq=1000", new byte[1024]);
            assertThat(within.number(PollWire.STORED)).isEqualTo(2024);
            assertThat(relay.server().pollHeldBytes()).isEqualTo(1024);
        }
    }

    @Test
    void rangesThatOverlapToHoldMoreThanTheWindowEndTheSession() throws Exception {
        relay = new LinkHarness(PollLimits.DEFAULTS);
        try (HttpSocket s = HttpSocket.plain("127.0.0.2", relay.pollUrl().getPort())) {
            String id = id(s.open());
            byte[] body = new byte[PollLimits.UNLINKED_WINDOW / 2];
            assertThat(s.request("POST", "/v1/poll/" + id + "/up?seq=10", body).status())
                    .isEqualTo(200);
            assertThat(s.request("POST", "/v1/poll/" + id + "/up?seq=11", body).status())
                    .isEqualTo(200);
            HttpSocket.Reply third = s.request("POST", "/v1/poll/" + id + "/up?seq=12", body);
            assertThat(third.status()).isEqualTo(410);
            assertThat(third.headers()).containsKey(PollWire.ENDED);
            await().atMost(Duration.ofSeconds(5)).until(() -> relay.server().pollSessions() == 0);
            assertThat(relay.server().pollHeldBytes()).isZero();
        }
    }

    /** One address opens sessions as fast as it can; an agent elsewhere links over long-poll and is served. */
    @Test
    void anAgentLinksAndIsServedOverLongPollWhileOneAddressFloodsTheTable() throws Exception {
        relay = new LinkHarness(PollLimits.DEFAULTS);
        List<Integer> statuses = new ArrayList<>();
        try (HttpSocket flood = HttpSocket.plain("127.0.0.2", relay.pollUrl().getPort())) {
            for (int i = 0; i < 200; i++) {
                statuses.add(flood.open().status());
            }
            assertThat(statuses.stream().filter(s -> s == 200)).hasSize(PollLimits.DEFAULTS.unlinkedPerAddress());
            Route route = new Route(Transport.HTTP_POLL, relay.address(), Optional.empty(), relay.pollUrl());
            RelayLink link = relay.link(route, "pi-poll", EchoStreams.handler());
            StreamProbe probe = StreamProbe.open(link, "pi-poll:22");
            assertThat(StreamHeaders.isAccepted(probe.awaitResponse())).isTrue();
            byte[] data = new byte[1024 * 1024];
            new Random(3).nextBytes(data);
            probe.send(data, 64 * 1024, true, n -> {});
            probe.ended.get(30, TimeUnit.SECONDS);
            assertThat(probe.receivedDigest()).isEqualTo(StreamProbe.sha256(data));
            assertThat(relay.server().pollUnlinked())
                    .as("the agent's session left the unlinked count")
                    .isLessThanOrEqualTo(PollLimits.DEFAULTS.unlinkedPerAddress());
        }
    }
}

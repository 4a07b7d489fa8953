package dev.jumpgate.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jumpgate.transport.link.EchoServer;
import dev.jumpgate.transport.link.LinkHarness;
import dev.jumpgate.transport.link.LinkSettings;
import dev.jumpgate.transport.link.RelayLink;
import dev.jumpgate.transport.link.SplicingStreams;
import dev.jumpgate.transport.link.StallingServer;
import dev.jumpgate.transport.link.StreamHeaders;
import dev.jumpgate.transport.link.StreamProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A spliced stream whose local reader stops reading stops its writer on the relay after about one stream window
 * plus socket buffers, and does not hold up the other streams of the same link.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpliceBackpressureTest {

    private static final int MB = 1024 * 1024;
    private static final int PUSHED = 64 * MB;
    private static final int BOUND = 16 * MB;

    private LinkHarness relay;
    private StallingServer stalled;
    private EchoServer echo;

    @BeforeEach
    void start() throws Exception {
        relay = new LinkHarness();
        stalled = new StallingServer();
        echo = new EchoServer();
    }

    @AfterEach
    void stop() throws Exception {
        stalled.close();
        echo.close();
        relay.close();
    }

    @Test
    void aReaderThatStopsStallsOnlyItsOwnStreamAndLosesNothing() throws Exception {
        RelayLink link = relay.link("pi", SplicingStreams.handler());
        StreamProbe slow = StreamProbe.open(link, "127.0.0.1:" + stalled.port());
        assertThat(StreamHeaders.isAccepted(slow.awaitResponse())).isTrue();

        byte[] data = new byte[PUSHED];
        new Random(7).nextBytes(data);
        AtomicLong accepted = new AtomicLong();
        CompletableFuture<Void> allWritten = slow.send(data, 64 * 1024, false, accepted::addAndGet);

        // The writer makes progress, then stops: its writes no longer complete.
        await().atMost(Duration.ofSeconds(30)).until(() -> accepted.get() >= MB);
        awaitSteady(accepted, Duration.ofSeconds(30));
        long stalledAt = accepted.get();
        assertThat(stalledAt)
                .as("bytes the relay could write into a stalled stream (window %d)", LinkSettings.STREAM_WINDOW)
                .isLessThan(BOUND);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> accepted.get() == stalledAt);
        assertThat(allWritten).isNotDone();
        assertThat(stalled.read.get()).isZero();

        // Meanwhile another session on the same link is served promptly.
        StreamProbe other = StreamProbe.open(link, "127.0.0.1:" + echo.port());
        assertThat(StreamHeaders.isAccepted(other.response.get(5, TimeUnit.SECONDS)))
                .isTrue();
        byte[] small = new byte[256 * 1024];
        new Random(8).nextBytes(small);
        other.send(small, false);
        await().atMost(Duration.ofSeconds(5)).until(() -> other.received.get() == small.length);
        other.send(new byte[0], true);
        other.ended.get(5, TimeUnit.SECONDS);
        assertThat(other.receivedDigest()).isEqualTo(StreamProbe.sha256(small));
        assertThat(accepted.get()).as("the stalled stream stays stalled").isEqualTo(stalledAt);

        // Once the reader reads again, every byte arrives, in order.
        stalled.resume();
        allWritten.get(60, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(60)).until(() -> stalled.read.get() == PUSHED);
        slow.send(new byte[0], true);
        assertThat(stalled.digestAtEof.get(10, TimeUnit.SECONDS)).isEqualTo(StreamProbe.sha256(data));
    }

    /**
     * Every stalled stream keeps its unread bytes out of the link's window, so no number of stalled streams can
     * use the window up: here 24 stalled streams hold 48 MiB of stream windows, and the link still carries a
     * new session at once.
     */
    @Test
    void stalledStreamsNeverUseUpTheLinksWindow() throws Exception {
        RelayLink link = relay.link("pi", SplicingStreams.handler());
        byte[] data = new byte[2 * LinkSettings.STREAM_WINDOW];
        new Random(11).nextBytes(data);
        List<StallingServer> targets = new ArrayList<>();
        AtomicLong accepted = new AtomicLong();
        try {
            for (int i = 0; i < 24; i++) {
                StallingServer target = new StallingServer();
                targets.add(target);
                StreamProbe probe = StreamProbe.open(link, "127.0.0.1:" + target.port());
                assertThat(StreamHeaders.isAccepted(probe.awaitResponse())).isTrue();
                probe.send(data, 64 * 1024, false, accepted::addAndGet);
            }
            awaitSteady(accepted, Duration.ofSeconds(60));
            assertThat(accepted.get()).as("bytes the stalled streams took").isGreaterThan(24L * MB);

            StreamProbe other = StreamProbe.open(link, "127.0.0.1:" + echo.port());
            assertThat(StreamHeaders.isAccepted(other.response.get(5, TimeUnit.SECONDS)))
                    .isTrue();
            byte[] small = new byte[256 * 1024];
            new Random(12).nextBytes(small);
            other.send(small, true);
            other.ended.get(5, TimeUnit.SECONDS);
            assertThat(other.receivedDigest()).isEqualTo(StreamProbe.sha256(small));
        } finally {
            for (StallingServer t : targets) {
                t.close();
            }
        }
    }

    /** Waits until {@code count} stays the same over half a second: the writers have stalled. */
    private static void awaitSteady(AtomicLong count, Duration limit) {
        long[] last = {-1};
        await().atMost(limit).pollInterval(Duration.ofMillis(500)).until(() -> {
            long now = count.get();
            boolean unchanged = now == last[0];
            last[0] = now;
            return unchanged;
        });
    }

    /** END_STREAM right behind the data must not cut what is still queued for a slow target. */
    @Test
    void endStreamDoesNotDropBytesStillQueuedForASlowTarget() throws Exception {
        RelayLink link = relay.link("pi", SplicingStreams.handler());
        StreamProbe probe = StreamProbe.open(link, "127.0.0.1:" + stalled.port());
        assertThat(StreamHeaders.isAccepted(probe.awaitResponse())).isTrue();
        byte[] data = new byte[4 * MB];
        new Random(10).nextBytes(data);
        probe.send(data, 64 * 1024, true, n -> {});
        stalled.resume();
        assertThat(stalled.digestAtEof.get(30, TimeUnit.SECONDS)).isEqualTo(StreamProbe.sha256(data));
        assertThat(stalled.read.get()).isEqualTo(data.length);
    }

    @Test
    void bytesAndHalfClosesCrossTheSpliceBothWays() throws Exception {
        RelayLink link = relay.link("pi", SplicingStreams.handler());
        StreamProbe probe = StreamProbe.open(link, "127.0.0.1:" + echo.port());
        assertThat(StreamHeaders.isAccepted(probe.awaitResponse())).isTrue();
        byte[] data = new byte[4 * MB + 17];
        new Random(9).nextBytes(data);
        probe.send(data, 16 * 1024, false, n -> {});
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.received.get() == data.length);
        assertThat(probe.ended).isNotDone();
        // END_STREAM from the relay shuts the target's input; the echo then closes, which ends the agent's half.
        probe.send(new byte[0], true);
        probe.ended.get(10, TimeUnit.SECONDS);
        assertThat(probe.receivedDigest()).isEqualTo(StreamProbe.sha256(data));
    }
}

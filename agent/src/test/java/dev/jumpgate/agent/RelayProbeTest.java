package dev.jumpgate.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.transport.RoutePlan;
import dev.jumpgate.transport.tls.TlsContexts;
import dev.jumpgate.transport.tls.TlsIdentity;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RelayProbeTest {

    /** Time that passes only by sleeping: each sleep is noted and moves the clock on by exactly its length. */
    private static final class FakeTicker implements Ticker {
        final List<Long> sleptMillis = new ArrayList<>();
        private long now = 1_000_000_000L;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleep(Duration d) {
            sleptMillis.add(d.toMillis());
            now += d.toNanos();
        }
    }

    /** Draws the pauses from {@code pauses} in turn (the last one repeats), checking the range asked for. */
    private static RandomGenerator pauses(long... pauses) {
        return new RandomGenerator() {
            private int i;

            @Override
            public long nextLong() {
                throw new AssertionError("the probe draws only bounded pauses");
            }

            @Override
            public long nextLong(long origin, long bound) {
                assertThat(origin).isEqualTo(RelayProbe.MIN_EVERY.toMillis());
                assertThat(bound).isEqualTo(RelayProbe.MAX_EVERY.toMillis() + 1);
                return pauses[Math.min(i++, pauses.length - 1)];
            }
        };
    }

    private static final HostPort RELAY = new HostPort("127.0.0.1", 9);

    @Test
    void probesAfterEachPauseOfHalfASecondToASecondUntilTheRelayAccepts() throws Exception {
        FakeTicker ticker = new FakeTicker();
        AtomicInteger probes = new AtomicInteger();
        RelayProbe probe = new RelayProbe(ticker, pauses(500, 1000, 730), where -> {
            assertThat(where).isEqualTo(RELAY);
            return probes.incrementAndGet() == 3;
        });
        assertThat(probe.await(RELAY, Duration.ofSeconds(30), () -> false)).isTrue();
        assertThat(probes).hasValue(3);
        assertThat(ticker.sleptMillis).containsExactly(500L, 1000L, 730L);
    }

    @Test
    void nothingListeningEndsTheWaitExactlyWhenTheBackoffRunsOut() throws Exception {
        FakeTicker ticker = new FakeTicker();
        AtomicInteger probes = new AtomicInteger();
        RelayProbe probe = new RelayProbe(ticker, pauses(500), where -> {
            probes.incrementAndGet();
            return false;
        });
        assertThat(probe.await(RELAY, Duration.ofMillis(1800), () -> false)).isFalse();
        // three probes, then the 300 ms left are slept without a fourth: a pause that would overrun is not taken
        assertThat(ticker.sleptMillis).containsExactly(500L, 500L, 500L, 300L);
        assertThat(probes).hasValue(3);
    }

    @Test
    void stoppingEndsTheWaitBeforeTheNextProbe() throws Exception {
        FakeTicker ticker = new FakeTicker();
        AtomicInteger probes = new AtomicInteger();
        RelayProbe probe = new RelayProbe(ticker, pauses(600), where -> {
            probes.incrementAndGet();
            return false;
        });
        assertThat(probe.await(RELAY, Duration.ofSeconds(30), () -> probes.get() >= 2))
                .isFalse();
        assertThat(probes).hasValue(2);
        assertThat(ticker.sleptMillis).containsExactly(600L, 600L);
    }

    @Test
    void aRelayThatListensIsFoundByARealConnect() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try {
                    s.accept().close();
                } catch (Exception e) {
                    // closed by the test
                }
            });
            assertThat(RelayProbe.awaitListening(
                            new HostPort("127.0.0.1", s.getLocalPort()), Duration.ofSeconds(30), () -> false))
                    .isTrue();
        }
    }

    @Test
    void aClosedPortIsNotTakenForAListeningOne() throws Exception {
        assertThat(RelayProbe.awaitListening(
                        new HostPort("127.0.0.1", closedPort()), Duration.ofMillis(1200), () -> false))
                .isFalse();
    }

    @Test
    void allRoutesToAPortThatRefusesFailAtOnceAndNameIt() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            HostPort relay = new HostPort("127.0.0.1", closedPort());
            RouteDialer dialer = new RouteDialer(
                    group,
                    TlsContexts.agent(
                            TlsIdentity.generate("agent"),
                            TlsIdentity.generate("relay").fingerprint()),
                    new ChannelInboundHandlerAdapter());
            long start = System.nanoTime();
            assertThat(dialer.first(RoutePlan.auto().routes(relay), null, "test"))
                    .isNull();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(dialer.unreachable()).contains(relay);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}

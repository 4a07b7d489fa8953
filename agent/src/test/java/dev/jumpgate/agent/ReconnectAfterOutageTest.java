package dev.jumpgate.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.transport.Backoff;
import dev.jumpgate.transport.RoutePlan;
import dev.jumpgate.transport.link.LinkServer;
import dev.jumpgate.transport.link.RelayLink;
import dev.jumpgate.transport.proxy.ProxyEnvironment;
import dev.jumpgate.transport.tls.TlsIdentity;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReconnectAfterOutageTest {

    /**
     * Far longer than the test may take: an agent that sleeps out its backoff instead of probing never comes back
     * in time, and the test fails at its timeout.
     */
    private static final Duration LONG = Duration.ofHours(1);

    @Test
    void whileTheRelayIsDownTheAgentLinksAsSoonAsItListensNotWhenItsBackoffRunsOut() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ExecutorService blocking = Executors.newSingleThreadExecutor();
        TlsIdentity relay = TlsIdentity.generate("relay");
        HostPort address = new HostPort("127.0.0.1", closedPort());
        AgentState state =
                new AgentState(new DeviceName("pi-back"), address, relay.fingerprint(), TlsIdentity.generate("agent"));
        RoutePlan direct =
                new RoutePlan(Optional.empty(), Optional.empty(), Optional.empty(), new ProxyEnvironment(Map.of()));
        // Each wait is drawn after a dial failed: the draw says the agent is waiting, and every wait is long.
        Semaphore waiting = new Semaphore(0);
        RandomGenerator noted = new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public long nextLong(long bound) {
                waiting.release();
                return 0;
            }
        };
        AgentRunner agent = new AgentRunner(
                group,
                state,
                new Targets(state.device(), new HostPort("127.0.0.1", closedPort()), List.of()),
                direct,
                AgentRunner.UPGRADE_EVERY,
                new Backoff(LONG, LONG, noted));
        Thread runner = Thread.ofVirtual().start(() -> {
            try {
                agent.run();
            } catch (Exception e) {
                // stopped
            }
        });
        BlockingQueue<RelayLink> links = new LinkedBlockingQueue<>();
        LinkServer server = null;
        try {
            // The relay is down: the agent's dial is refused and it settles into a wait of at least 15 minutes.
            assertThat(waiting.tryAcquire(30, TimeUnit.SECONDS))
                    .as("the agent waits after a refused dial")
                    .isTrue();

            long back = System.nanoTime();
            server = relayOn(address, relay, group, blocking, links);
            RelayLink link = links.poll(40, TimeUnit.SECONDS);
            assertThat(link)
                    .as("the agent linked again long before its backoff ran out")
                    .isNotNull();
            assertThat(waiting.availablePermits())
                    .as("no other dial failed meanwhile")
                    .isZero();
            System.out.printf(
                    "the agent linked %d ms after the relay's return%n",
                    Duration.ofNanos(System.nanoTime() - back).toMillis());
        } finally {
            agent.stop();
            runner.join(Duration.ofSeconds(5));
            if (server != null) {
                server.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            blocking.shutdownNow();
        }
    }

    private static LinkServer relayOn(
            HostPort address,
            TlsIdentity relay,
            EventLoopGroup group,
            ExecutorService blocking,
            BlockingQueue<RelayLink> links)
            throws InterruptedException {
        return LinkServer.start(
                group,
                LinkServer.Settings.agents(
                        address,
                        relay,
                        "test",
                        (hello, key, remote) -> new LinkMessage.Welcome("test", 10),
                        links::add,
                        blocking));
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}

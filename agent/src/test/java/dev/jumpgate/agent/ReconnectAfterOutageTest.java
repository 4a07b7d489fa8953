package dev.jumpgate.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.transport.link.LinkServer;
import dev.jumpgate.transport.link.RelayLink;
import dev.jumpgate.transport.proxy.ProxyEnvironment;
import dev.jumpgate.transport.RoutePlan;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReconnectAfterOutageTest {

    /**
     * Long enough for the backoff alone to wait many seconds: after 20 s of refusals its ceiling is 8 or 16 s, so
     * without the probe the agent would most often come back seconds after the relay.
     */
    private static final Duration OUTAGE = Duration.ofSeconds(20);

    @Test
    void afterALongOutageTheAgentLinksWithinTwoSecondsOfTheRelaysReturn() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ExecutorService blocking = Executors.newSingleThreadExecutor();
        TlsIdentity relay = TlsIdentity.generate("relay");
        HostPort address = new HostPort("127.0.0.1", closedPort());
        AgentState state = new AgentState(new DeviceName("pi-back"), address, relay.fingerprint(),
                TlsIdentity.generate("agent"));
        RoutePlan direct = new RoutePlan(Optional.empty(), Optional.empty(), Optional.empty(),
                new ProxyEnvironment(Map.of()));
        AgentRunner agent = new AgentRunner(group, state, new Targets(state.device(),
                new HostPort("127.0.0.1", closedPort()), List.of()), direct, AgentRunner.UPGRADE_EVERY);
        Thread runner = Thread.ofVirtual().start(() -> {
            try {
                agent.run();
            } catch (Exception e) {
                // stopped
            }
        });
        BlockingQueue<RelayLink> links = new LinkedBlockingQueue<>();
        LinkServer server = relayOn(address, relay, group, blocking, links);
        try {
            // Linked once, as before any outage (and with both ends' TLS warmed up); then the relay goes away.
            RelayLink first = links.poll(30, TimeUnit.SECONDS);
            assertThat(first).as("the first link").isNotNull();
            server.close();
            first.close();
            Thread.sleep(OUTAGE.toMillis()); // the relay is down this long: the agent's retries are refused

            long back = System.nanoTime();
            server = relayOn(address, relay, group, blocking, links);
            RelayLink link = links.poll(30, TimeUnit.SECONDS);
            Duration relinked = Duration.ofNanos(System.nanoTime() - back);
            assertThat(link).as("the agent linked again").isNotNull();
            System.out.printf("after a %d s outage the agent linked %d ms after the relay's return%n",
                    OUTAGE.toSeconds(), relinked.toMillis());
            assertThat(relinked).as("time from the relay's return to the link").isLessThan(Duration.ofSeconds(2));
        } finally {
            agent.stop();
            runner.join(Duration.ofSeconds(5));
            server.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            blocking.shutdownNow();
        }
    }

    private static LinkServer relayOn(HostPort address, TlsIdentity relay, EventLoopGroup group,
            ExecutorService blocking, BlockingQueue<RelayLink> links) throws InterruptedException {
        return LinkServer.start(group, LinkServer.Settings.agents(address, relay, "test",
                (hello, key, remote) -> new LinkMessage.Welcome("test", 10), links::add, blocking));
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}

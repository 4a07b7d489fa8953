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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RelayProbeTest {

    @Test
    void aRelayThatStartsListeningIsFoundWithinAboutASecond() throws Exception {
        int port = closedPort();
        CompletableFuture<Long> listening = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(1500); // the relay is down for a while
                try (ServerSocket s = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
                    listening.complete(System.nanoTime());
                    s.accept().close();
                }
            } catch (Exception e) {
                listening.completeExceptionally(e);
            }
        });
        boolean found = RelayProbe.awaitListening(new HostPort("127.0.0.1", port), Duration.ofSeconds(30), () -> false);
        long foundAt = System.nanoTime();
        assertThat(found).isTrue();
        assertThat(Duration.ofNanos(foundAt - listening.get(10, TimeUnit.SECONDS)))
                .isLessThan(RelayProbe.MAX_EVERY.plusMillis(500));
    }

    @Test
    void nothingListeningEndsTheWaitWhenTheBackoffRunsOut() throws Exception {
        long start = System.nanoTime();
        assertThat(RelayProbe.awaitListening(new HostPort("127.0.0.1", closedPort()), Duration.ofMillis(1800),
                () -> false)).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1800),
                Duration.ofMillis(3500));
    }

    @Test
    void allRoutesToAPortThatRefusesFailAtOnceAndNameIt() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            HostPort relay = new HostPort("127.0.0.1", closedPort());
            RouteDialer dialer = new RouteDialer(group, TlsContexts.agent(TlsIdentity.generate("agent"),
                    TlsIdentity.generate("relay").fingerprint()), new ChannelInboundHandlerAdapter());
            long start = System.nanoTime();
            assertThat(dialer.first(RoutePlan.auto().routes(relay), null, "test")).isNull();
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

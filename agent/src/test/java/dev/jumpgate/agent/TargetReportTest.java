package dev.jumpgate.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.transport.RoutePlan;
import dev.jumpgate.transport.proxy.ProxyEnvironment;
import dev.jumpgate.transport.tls.TlsIdentity;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The agent probes its SSH target before every dial; its log says when the target goes or comes, not each time. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TargetReportTest {

    @Test
    void aTargetThatStaysDownIsReportedOnceAndItsReturnOnce() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(AgentRunner.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        Level level = logger.getLevel();
        logger.setLevel(Level.INFO);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        HostPort target = new HostPort("127.0.0.1", closedPort());
        AgentState state = new AgentState(
                new DeviceName("pi-quiet"),
                new HostPort("127.0.0.1", closedPort()),
                TlsIdentity.generate("relay").fingerprint(),
                TlsIdentity.generate("agent"));
        AgentRunner agent = new AgentRunner(
                group,
                state,
                new Targets(state.device(), target, List.of()),
                new RoutePlan(Optional.empty(), Optional.empty(), Optional.empty(), new ProxyEnvironment(Map.of())),
                AgentRunner.UPGRADE_EVERY);
        Thread runner = Thread.ofVirtual().start(() -> {
            try {
                agent.run();
            } catch (Exception e) {
                // stopped
            }
        });
        SshServer sshd = SshServer.setUpDefaultServer();
        try {
            // The relay is away too, so the agent retries, probing the target each time.
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> count(log, "retrying in") >= 3);
            assertThat(count(log, "nothing answers SSH on " + target)).isEqualTo(1);

            sshd.setHost(target.host());
            sshd.setPort(target.port());
            KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
            ec.initialize(256);
            sshd.setKeyPairProvider(KeyPairProvider.wrap(ec.generateKeyPair()));
            sshd.start();
            String back = target + " answers SSH again";
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> count(log, back) == 1);
            int retries = count(log, "retrying in");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> count(log, "retrying in") >= retries + 1);
            assertThat(count(log, back)).isEqualTo(1);
            assertThat(count(log, "nothing answers SSH on")).isEqualTo(1);
        } finally {
            agent.stop();
            runner.join(Duration.ofSeconds(10));
            sshd.stop(true);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            logger.setLevel(level);
            logger.detachAppender(log);
        }
    }

    private static int count(ListAppender<ILoggingEvent> log, String text) {
        synchronized (log.list) {
            return (int) List.copyOf(log.list).stream()
                    .filter(e -> e.getFormattedMessage().contains(text))
                    .count();
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}

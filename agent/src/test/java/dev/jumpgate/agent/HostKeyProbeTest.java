package dev.jumpgate.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.HostPort;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.Test;

class HostKeyProbeTest {

    @Test
    void reportsTheKeyTheServerPresentsEveryTime() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        KeyPair hostKey = ec.generateKeyPair();
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        sshd.start();
        try {
            HostPort target = new HostPort("127.0.0.1", sshd.getPort());
            String expected = PublicKeyEntry.toString(hostKey.getPublic());
            for (int i = 0; i < 3; i++) {
                assertThat(HostKeyProbe.probe(target)).containsExactly(expected);
            }
        } finally {
            sshd.stop(true);
        }
    }

    @Test
    void manyAgentsProbingATargetThatRefusesAtOnceStartNoThreadsEach() throws Exception {
        try (Socket bound = new Socket()) {
            // Bound, not listening: every connection to it is refused at once.
            bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            HostPort target = new HostPort("127.0.0.1", bound.getLocalPort());
            assertThat(HostKeyProbe.probe(target)).isEmpty();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            int before = threads.getThreadCount();
            threads.resetPeakThreadCount();
            List<Future<List<String>>> probes = new ArrayList<>();
            try (ExecutorService many = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 300; i++) {
                    probes.add(many.submit(() -> HostKeyProbe.probe(target)));
                }
            }
            for (Future<List<String>> p : probes) {
                assertThat(p.get()).isEmpty();
            }
            // Virtual threads run on a few carriers; a client of its own per probe would add its I/O threads.
            assertThat(threads.getPeakThreadCount())
                    .isLessThanOrEqualTo(before + Runtime.getRuntime().availableProcessors() + 4);
        }
    }
}

package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The device in a network namespace of its own whose only way out is the proxy: a veth pair with 198.18.0.2 on
 * the device's side, the proxy on 198.18.0.1, no default route. The device's sshd and agent run in there; the
 * relay's address (127.0.0.1 in the token) means the namespace's own loopback, where nothing listens, so the
 * link can only go through the proxy, and the test shows it does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
class NetnsProxyTest {

    private static final String PASSWORD = "ns-Pw-3";
    private static final int NS_SSHD_PORT = 2222;

    final long id = ProcessHandle.current().pid() % 100_000;
    final String ns = "jg5ns" + id;
    final String hostIf = "jg5h" + id;
    final String nsIf = "jg5n" + id;
    boolean madeNamespace;
    Lab lab;
    Tinyproxy proxy;
    Proc agent;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(Files.isExecutable(Tinyproxy.BINARY), "tinyproxy is not installed (run-tests installs it as root)");
        Ssh.Result add = Ssh.run(List.of("ip", "netns", "add", ns), null, Duration.ofSeconds(10));
        assumeTrue(add.exit() == 0, "cannot create a network namespace (needs root): " + add.err());
        madeNamespace = true;
        Lab.run(List.of("ip", "link", "add", hostIf, "type", "veth", "peer", "name", nsIf));
        Lab.run(List.of("ip", "link", "set", nsIf, "netns", ns));
        Lab.run(List.of("ip", "addr", "add", "198.18.0.1/30", "dev", hostIf));
        Lab.run(List.of("ip", "link", "set", hostIf, "up"));
        inNs("ip", "addr", "add", "198.18.0.2/30", "dev", nsIf);
        inNs("ip", "link", "set", nsIf, "up");
        inNs("ip", "link", "set", "lo", "up");

        lab = new Lab(Lab.workDir(getClass()));
        proxy = new Tinyproxy(lab.dir, "proxy", "198.18.0.1", List.of("BasicAuth carol " + PASSWORD,
                "ConnectPort " + lab.linkPort));
        startSshdInNamespace();
    }

    private void inNs(String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        Lab.run(cmd);
    }

    /** The device's sshd, inside the namespace: the lab's sshd configuration on the namespace's loopback. */
    private void startSshdInNamespace() throws Exception {
        Path dir = lab.dir.resolve("device-sshd");
        Path config = dir.resolve("sshd_config_ns");
        Files.writeString(config, Files.readString(dir.resolve("sshd_config"))
                .replaceAll("(?m)^Port .*$", "Port " + NS_SSHD_PORT)
                .replaceAll("(?m)^PidFile .*$", "PidFile " + dir.resolve("sshd-ns.pid")));
        lab.adopt(Proc.start(lab.dir.resolve("logs"), "sshd-ns", List.of("ip", "netns", "exec", ns,
                "/usr/sbin/sshd", "-D", "-e", "-f", config.toString())));
        Awaitility.await("sshd listens in " + ns).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> Ssh.run(List.of("ip", "netns", "exec", ns, "bash", "-c",
                        "exec 3<>/dev/tcp/127.0.0.1/" + NS_SSHD_PORT), null, Duration.ofSeconds(5)).exit() == 0);
    }

    /** {@code jumpgate ARGS} inside the namespace. */
    private Proc jumpgateInNs(String name, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(Proc.javaCommand());
        cmd.addAll(List.of(args));
        return lab.adopt(Proc.start(lab.dir.resolve("logs"), name, cmd));
    }

    @AfterAll
    void stop() throws Exception {
        if (lab != null) {
            lab.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (madeNamespace) {
            Ssh.run(List.of("ip", "link", "del", hostIf), null, Duration.ofSeconds(10));
            Ssh.run(List.of("ip", "netns", "del", ns), null, Duration.ofSeconds(10));
        }
    }

    @Test
    @Order(1)
    void withoutTheProxyTheRelayIsOutOfReach() throws Exception {
        Ssh.Result routes = Ssh.run(List.of("ip", "netns", "exec", ns, "ip", "route", "show"), null,
                Duration.ofSeconds(10));
        assertThat(routes.out()).doesNotContain("default").contains("198.18.0.0/30");
        Proc direct = jumpgateInNs("enroll-direct", "agent", "enroll", lab.token("pi-ns"), "--state",
                lab.agentState("pi-ns").toString(), "--transport", "tls");
        assertThat(direct.awaitExit(Lab.START)).isNotZero();
        assertThat(direct.stderr()).contains("connection refused or unreachable");
    }

    @Test
    @Order(2)
    void throughTheProxyTheAgentLinksAndSshAndScpWork() throws Exception {
        String proxyUrl = proxy.url("carol:" + PASSWORD);
        Proc enrolled = jumpgateInNs("enroll-ns", "agent", "enroll", lab.token("pi-ns"), "--state",
                lab.agentState("pi-ns").toString(), "--proxy", proxyUrl);
        assertThat(enrolled.awaitExit(Lab.START)).as(enrolled.stderr()).isZero();
        agent = jumpgateInNs("agent-ns", "agent", "run", "--state", lab.agentState("pi-ns").toString(), "--target",
                "127.0.0.1:" + NS_SSHD_PORT, "--proxy", proxyUrl);
        lab.awaitOnline("pi-ns", Lab.START);
        agent.awaitLog("linked to relay", Lab.START);
        assertThat(agent.stderr()).contains("over tls to 127.0.0.1:" + lab.linkPort
                + " via proxy http://carol:****@198.18.0.1:" + proxy.port());
        lab.refreshKnownHosts();

        Transfers.commandsRun(lab, "pi-ns");
        Transfers.fiftyMegabytesByScpArriveIdentical(lab, "pi-ns");
        assertThat(proxy.log()).contains("Connect (file descriptor").contains("198.18.0.2")
                .contains("CONNECT 127.0.0.1:" + lab.linkPort);
    }

    /** As in {@link ConnectProxyTest}: the link's TCP connection dies with the proxy and is made again. */
    @Test
    @Order(3)
    void aProxyRestartIsSurvivedByTheLink() throws Exception {
        int before = Transfers.links(agent);
        proxy.restart();
        Awaitility.await("pi-ns links again").atMost(Duration.ofSeconds(45))
                .until(() -> Transfers.links(agent) > before);
        lab.awaitOnline("pi-ns", Duration.ofSeconds(30));
        Transfers.commandsRun(lab, "pi-ns");
    }
}

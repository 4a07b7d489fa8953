package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * The device in a network namespace of its own whose only way out is the proxy: a veth pair in 198.18.0.0/15
 * ({@link Netns}), the proxy on this side's address, no default route. The device's sshd and agent run in there; the
 * relay's address (127.0.0.1 in the token) means the namespace's own loopback, where nothing listens, so the
 * link can only go through the proxy, and the test shows it does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class NetnsProxyTest {

    private static final String PASSWORD = "ns-Pw-3";
    private static final int NS_SSHD_PORT = 2222;

    Netns ns;
    Lab lab;
    Tinyproxy proxy;
    Proc agent;

    @BeforeAll
    void start() throws Exception {
        Tinyproxy.assumeInstalled();
        ns = Netns.create(0);
        lab = new Lab(Lab.workDir(getClass()));
        proxy = new Tinyproxy(
                lab.dir,
                "proxy",
                ns.hostAddress,
                List.of("BasicAuth carol " + PASSWORD, "ConnectPort " + lab.linkPort));
        ns.startSshd(lab, NS_SSHD_PORT);
    }

    @AfterAll
    void stop() throws Exception {
        if (lab != null) {
            lab.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    @Order(1)
    void withoutTheProxyTheRelayIsOutOfReach() throws Exception {
        Ssh.Result routes = ns.exec("ip", "route", "show");
        assertThat(routes.out()).doesNotContain("default").contains(ns.subnet());
        Proc direct = ns.jumpgate(
                lab,
                "enroll-direct",
                "agent",
                "enroll",
                "--token-file",
                lab.secretFile(lab.token("pi-ns")).toString(),
                "--state",
                lab.agentState("pi-ns").toString(),
                "--transport",
                "tls");
        assertThat(direct.awaitExit(Lab.START)).isNotZero();
        assertThat(direct.stderr()).contains("connection refused or unreachable");
    }

    @Test
    @Order(2)
    void throughTheProxyTheAgentLinksAndSshAndScpWork() throws Exception {
        String proxyUrl = proxy.url("carol");
        String passwordFile = lab.secretFile(PASSWORD).toString();
        Proc enrolled = ns.jumpgate(
                lab,
                "enroll-ns",
                "agent",
                "enroll",
                "--token-file",
                lab.secretFile(lab.token("pi-ns")).toString(),
                "--state",
                lab.agentState("pi-ns").toString(),
                "--proxy",
                proxyUrl,
                "--proxy-password-file",
                passwordFile);
        assertThat(enrolled.awaitExit(Lab.START)).as(enrolled.stderr()).isZero();
        agent = ns.jumpgate(
                lab,
                "agent-ns",
                "agent",
                "run",
                "--state",
                lab.agentState("pi-ns").toString(),
                "--target",
                "127.0.0.1:" + NS_SSHD_PORT,
                "--proxy",
                proxyUrl,
                "--proxy-password-file",
                passwordFile);
        lab.awaitOnline("pi-ns", Lab.START);
        agent.awaitLog("linked to relay", Lab.START);
        assertThat(agent.stderr())
                .contains("over tls to 127.0.0.1:" + lab.linkPort + " via proxy http://carol:****@" + ns.hostAddress
                        + ":" + proxy.port());
        lab.refreshKnownHosts();

        Transfers.commandsRun(lab, "pi-ns");
        Transfers.fiftyMegabytesByScpArriveIdentical(lab, "pi-ns");
        assertThat(proxy.log())
                .contains("Connect (file descriptor")
                .contains(ns.nsAddress)
                .contains("CONNECT 127.0.0.1:" + lab.linkPort);
    }

    /** As in {@link ConnectProxyTest}: the link's TCP connection dies with the proxy and is made again. */
    @Test
    @Order(3)
    void aProxyRestartIsSurvivedByTheLink() throws Exception {
        int before = Transfers.links(agent);
        proxy.restart();
        Awaitility.await("pi-ns links again")
                .atMost(Duration.ofSeconds(45))
                .until(() -> Transfers.links(agent) > before);
        lab.awaitOnline("pi-ns", Duration.ofSeconds(30));
        Transfers.commandsRun(lab, "pi-ns");
    }
}

package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * A device whose only way out is an HTTP proxy that allows CONNECT to the relay's port alone, with Basic
 * authentication (a real tinyproxy): the WebSocket and the plain TLS transports get through it, ssh and scp work
 * as ever, a wrong password gets a clear 407 error, and a restart of the proxy costs the link only seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ConnectProxyTest {

    private static final String PASSWORD = "s3cret-Pw";

    Lab lab;
    Tinyproxy proxy;
    Proc wsAgent;
    Proc tlsAgent;

    @BeforeAll
    void start() throws Exception {
        Tinyproxy.assumeInstalled();
        lab = new Lab(Lab.workDir(getClass()));
        proxy = new Tinyproxy(
                lab.dir, "proxy", "127.0.0.1", List.of("BasicAuth alice " + PASSWORD, "ConnectPort " + lab.linkPort));
    }

    @AfterAll
    void stop() throws Exception {
        if (lab != null) {
            lab.close();
            proxy.close();
        }
    }

    private String[] through(String transport) throws Exception {
        return new String[] {
            "--transport",
            transport,
            "--proxy",
            proxy.url("alice"),
            "--proxy-password-file",
            lab.secretFile(PASSWORD).toString()
        };
    }

    private Proc device(String device, String transport) throws Exception {
        return lab.addDevice(device, List.of(through(transport)), through(transport));
    }

    @Test
    @Order(1)
    void webSocketThroughTheProxyCarriesSshAndFiftyMegabytes() throws Exception {
        wsAgent = device("pi-ws", "websocket");
        assertThat(wsAgent.stderr())
                .contains("over websocket to 127.0.0.1:" + lab.linkPort + " via proxy http://alice:****@127.0.0.1:"
                        + proxy.port());
        Transfers.commandsRun(lab, "pi-ws");
        Transfers.fiftyMegabytesByScpArriveIdentical(lab, "pi-ws");
        assertThat(proxy.log()).contains("CONNECT 127.0.0.1:" + lab.linkPort);
    }

    @Test
    @Order(2)
    void plainTlsThroughTheProxyCarriesSshAndFiftyMegabytes() throws Exception {
        tlsAgent = device("pi-tls", "tls");
        assertThat(tlsAgent.stderr()).contains("over tls to 127.0.0.1:" + lab.linkPort + " via proxy");
        Transfers.commandsRun(lab, "pi-tls");
        Transfers.fiftyMegabytesByScpArriveIdentical(lab, "pi-tls");
    }

    @Test
    @Order(3)
    void wrongCredentialsGetAClearProxyAuthenticationError() throws Exception {
        Proc wrong = lab.enroll(
                "pi-wrong",
                lab.token("pi-wrong"),
                "--transport",
                "websocket",
                "--proxy",
                proxy.url("alice:not-the-password"));
        assertThat(wrong.awaitExit(Lab.START)).isNotZero();
        // tinyproxy answers a CONNECT with bad credentials 401 where RFC 9110 says 407; both read the same.
        assertThat(wrong.stderr())
                .containsPattern("proxy http://127\\.0\\.0\\.1:" + proxy.port()
                        + " refused the credentials for user 'alice' \\(40[17]\\)")
                .doesNotContain("not-the-password");
        // a password in the URL still works, but the process list shows it to every local user
        assertThat(wrong.stderr())
                .contains("warning: the proxy password in --proxy can be read by every user")
                .contains("--proxy-password-file");

        Proc none = lab.enroll("pi-none", lab.token("pi-none"), "--transport", "tls", "--proxy", proxy.url(null));
        assertThat(none.awaitExit(Lab.START)).isNotZero();
        assertThat(none.stderr())
                .containsPattern("requires authentication \\(40[17]\\): pass --proxy " + "http://USER@127\\.0\\.0\\.1:"
                        + proxy.port() + " and the password in --proxy-password-file");
    }

    @Test
    @Order(4)
    void aConnectToAnyOtherPortIsRefusedByTheProxyNotLeakedAround() throws Exception {
        Proc p = lab.enroll("pi-other", lab.token("pi-other"), through("tls"));
        assertThat(p.awaitExit(Lab.START))
                .as("the proxy's CONNECT to the relay works")
                .isZero();
        assertThat(proxy.log()).doesNotContain("Refused CONNECT");
    }

    /**
     * A proxy restart kills every TCP connection through it, so the link dies and the agent links again by
     * itself within seconds. An SSH session open at that moment dies with its link (its bytes rode that one TCP
     * connection, and nothing resends them); new sessions work at once.
     */
    @Test
    @Order(5)
    void aProxyRestartDropsTheLinkAndItComesBackByItself() throws Exception {
        int before = Transfers.links(wsAgent);
        Proc session = Transfers.longSession(lab, "pi-ws", "ws-session");
        session.awaitOutput("started", Duration.ofSeconds(30));
        proxy.restart();
        Awaitility.await("pi-ws links again")
                .atMost(Duration.ofSeconds(45))
                .until(() -> Transfers.links(wsAgent) > before);
        lab.awaitOnline("pi-ws", Duration.ofSeconds(30));
        Transfers.commandsRun(lab, "pi-ws");
        assertThat(session.awaitExit(Duration.ofSeconds(60)))
                .as("the session that spanned the restart")
                .isNotZero();
        assertThat(session.stdout()).doesNotContain("finished");
    }

    @Test
    @Order(6)
    void aMistypedCommandLineDoesNotEchoTheProxyPassword() throws Exception {
        // --proxy on a command that has none: picocli echoes the option and its value as unmatched.
        Proc typo = lab.adopt(Proc.jumpgate(
                lab.dir.resolve("logs"),
                "typo",
                "relay",
                "--data",
                lab.dir.resolve("typo").toString(),
                "--proxy",
                proxy.url("alice:" + PASSWORD)));
        assertThat(typo.awaitExit(Lab.START)).isEqualTo(2);
        assertThat(typo.stderr())
                .contains("'--proxy', 'http://alice:****@127.0.0.1:")
                .doesNotContain(PASSWORD);
    }

    @Test
    @Order(7)
    void theProxyPasswordNeverReachesALog() throws Exception {
        try (var logs = Files.list(lab.dir.resolve("logs"))) {
            for (Path log : logs.toList()) {
                assertThat(Files.readString(log)).as("%s", log).doesNotContain(PASSWORD);
            }
        }
    }
}

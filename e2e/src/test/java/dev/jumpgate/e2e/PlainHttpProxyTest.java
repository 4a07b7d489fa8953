package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A device behind a proxy that refuses CONNECT and passes only plain HTTP requests, with Basic authentication (a
 * real tinyproxy, {@code ConnectPort 0}): with {@code --transport auto} the agent finds that TLS and WebSocket
 * cannot get through, settles on HTTP long-poll to the relay's plain-HTTP port, and ssh and scp work over it.
 * The proxy only ever sees the link's TLS records.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class PlainHttpProxyTest {

    private static final String PASSWORD = "poll-Pw-7";

    Lab lab;
    Tinyproxy proxy;
    int pollPort;
    Proc agent;

    @BeforeAll
    void start() throws Exception {
        Tinyproxy.assumeInstalled();
        lab = new Lab(Lab.workDir(getClass()), "--poll-listen", "127.0.0.1:0");
        pollPort = lab.pollPort;
        proxy = new Tinyproxy(lab.dir, "proxy", "127.0.0.1", List.of("BasicAuth bob " + PASSWORD, "ConnectPort 0"));
        String[] way = {
            "--proxy",
            proxy.url("bob"),
            "--proxy-password-file",
            lab.secretFile(PASSWORD).toString(),
            "--relay-http",
            "http://127.0.0.1:" + pollPort
        };
        String[] run = Stream.concat(Arrays.stream(way), Stream.of("--retry-better-after", "3"))
                .toArray(String[]::new);
        agent = lab.addDevice("pi-poll", List.of(way), run);
    }

    @AfterAll
    void stop() throws Exception {
        if (lab != null) {
            lab.close();
            proxy.close();
        }
    }

    @Test
    @Order(1)
    void autoSaysWhyTlsAndWebSocketFailedAndSettlesOnLongPoll() throws Exception {
        String log = agent.stderr();
        assertThat(log)
                .contains("settled on http-poll")
                .contains("tls failed: proxy http://127.0.0.1:" + proxy.port() + " refused a tunnel to 127.0.0.1:"
                        + lab.linkPort + " (403)")
                .contains("websocket failed: proxy http://127.0.0.1:" + proxy.port() + " refused")
                .contains("over http-poll to http://127.0.0.1:" + pollPort + " via proxy http://bob:****@");
    }

    @Test
    @Order(2)
    void longPollCarriesSshAndFiftyMegabytes() throws Exception {
        Transfers.commandsRun(lab, "pi-poll");
        Transfers.fiftyMegabytesByScpArriveIdentical(lab, "pi-poll");
        String proxied = proxy.log();
        assertThat(proxied)
                .contains("GET http://127.0.0.1:" + pollPort + "/v1/poll/")
                .contains("POST http://127.0.0.1:" + pollPort + "/v1/poll/");
    }

    /**
     * Long-poll survives a proxy restart without even losing the link: no TCP connection carries link state,
     * requests that die with the proxy are simply sent again, and offsets make the resent bytes harmless. So an
     * SSH session open across the restart goes on.
     */
    @Test
    @Order(3)
    void aProxyRestartIsSurvivedByTheLinkAndTheSshSession() throws Exception {
        int before = Transfers.links(agent);
        Proc session = Transfers.longSession(lab, "pi-poll", "poll-session");
        session.awaitOutput("started", Duration.ofSeconds(30));
        proxy.restart();
        Transfers.commandsRun(lab, "pi-poll");
        assertThat(session.awaitExit(Duration.ofSeconds(60)))
                .as("session: %s", session.stderr())
                .isZero();
        assertThat(session.stdout()).isEqualTo("started\nfinished\n");
        assertThat(Transfers.links(agent)).as("the link never dropped").isEqualTo(before);
    }

    /** When the network starts to allow CONNECT, an idle agent on long-poll moves up to TLS by itself. */
    @Test
    @Order(5)
    void whenTheProxyStartsToAllowConnectTheIdleAgentMovesUpToTls() throws Exception {
        proxy.reconfigure(List.of("BasicAuth bob " + PASSWORD, "ConnectPort " + lab.linkPort));
        agent.awaitLog("moving from http-poll to tls", Duration.ofSeconds(60));
        agent.awaitLog("linked to relay .* over tls to ", Duration.ofSeconds(10));
        lab.awaitOnline("pi-poll", Duration.ofSeconds(30));
        Transfers.commandsRun(lab, "pi-poll");
        assertThat(lab.relay().stderr()).contains("device pi-poll linked again");
    }

    @Test
    @Order(4)
    void theProxyNeverSawACleartextHandshakeNorThePassword() throws Exception {
        String proxied = proxy.log();
        assertThat(proxied).doesNotContain("JGL1").doesNotContain("Refused CONNECT method on port " + pollPort);
        try (var logs = Files.list(lab.dir.resolve("logs"))) {
            for (var log : logs.toList()) {
                assertThat(Files.readString(log)).as("%s", log).doesNotContain(PASSWORD);
            }
        }
    }
}

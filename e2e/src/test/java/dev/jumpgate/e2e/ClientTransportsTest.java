package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client helper behind the same kinds of proxy as an agent: {@code jumpgate proxy} as ssh's ProxyCommand
 * reaches a device over a WebSocket through a CONNECT proxy, and over long-poll through a proxy that passes
 * plain HTTP only, chosen with the JUMPGATE_* environment variables.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClientTransportsTest {

    Lab lab;
    Tinyproxy connectProxy;
    Tinyproxy plainProxy;
    int pollPort;
    Path home;

    @BeforeAll
    void start() throws Exception {
        Tinyproxy.assumeInstalled();
        lab = new Lab(Lab.workDir(getClass()), "--poll-listen", "127.0.0.1:0");
        pollPort = lab.pollPort;
        connectProxy = new Tinyproxy(
                lab.dir, "connect-proxy", "127.0.0.1", List.of("BasicAuth alice pw1", "ConnectPort " + lab.linkPort));
        plainProxy = new Tinyproxy(lab.dir, "plain-proxy", "127.0.0.1", List.of("ConnectPort 0"));
        lab.addDevice("pi-kitchen");
        lab.console("admin", "user add alice '" + lab.pub("alice").strip() + "'");
        lab.console("admin", "grant alice pi-kitchen");
        home = lab.dir.resolve("alice-config");
        Ssh.Result login = Ssh.run(
                List.of(
                        launcher("login", "").toString(),
                        "login",
                        "-F",
                        lab.config().toString(),
                        "-i",
                        lab.key("alice").toString(),
                        "relay-alice"),
                null,
                Duration.ofSeconds(60));
        assertThat(login.exit()).as(login.err()).isZero();
    }

    @AfterAll
    void stop() throws Exception {
        if (lab != null) {
            lab.close();
            connectProxy.close();
            plainProxy.close();
        }
    }

    /** The jumpgate command as alice's shell would run it, with {@code env} exported first. */
    private Path launcher(String name, String env) throws Exception {
        return lab.launcher(lab.dir.resolve("jumpgate-" + name), home, env);
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "http-poll"})
    void sshThroughTheClientHelperGetsOutThroughTheProxy(String transport) throws Exception {
        String env = transport.equals("websocket")
                ? "export JUMPGATE_TRANSPORT=websocket JUMPGATE_PROXY=" + connectProxy.url("alice:pw1")
                : "export JUMPGATE_TRANSPORT=auto HTTPS_PROXY=" + plainProxy.url(null)
                        + " JUMPGATE_RELAY_HTTP=http://127.0.0.1:" + pollPort;
        Path jumpgate = launcher(transport, env);
        Ssh.Result r = Ssh.run(
                List.of(
                        "ssh",
                        "-F",
                        lab.config().toString(),
                        "-i",
                        lab.key("alice").toString(),
                        "-o",
                        "ProxyCommand=" + jumpgate + " proxy %h %p",
                        System.getProperty("user.name") + "@pi-kitchen",
                        "echo via-" + transport),
                null,
                Duration.ofSeconds(90));
        assertThat(r.out()).as(r.err()).isEqualTo("via-" + transport + "\n");
        Tinyproxy used = transport.equals("websocket") ? connectProxy : plainProxy;
        assertThat(used.log())
                .contains(
                        transport.equals("websocket")
                                ? "CONNECT 127.0.0.1:" + lab.linkPort
                                : "POST http://127.0.0.1:" + pollPort + "/v1/poll");
    }
}

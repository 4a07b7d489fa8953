package dev.jumpgate.e2e;

import static dev.jumpgate.e2e.Lab.jg;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client commands as a user runs them: {@code jumpgate login}, {@code ls}, {@code config}, {@code proxy},
 * {@code connect}, {@code tunnel}, with real ssh, scp, sftp and rsync on top.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClientTest {

    Lab lab;
    Path home;
    Path jumpgate;
    ServerSocket echo;

    @BeforeAll
    void start() throws Exception {
        lab = new Lab(Lab.workDir(getClass()));
        echo = echoServer();
        lab.addDevice("pi-kitchen", "--allow", "127.0.0.1:" + echo.getLocalPort());
        lab.enroll("db-1", lab.token("db-1"));
        lab.console("admin", "user add alice '" + lab.pub("alice").strip() + "'");
        lab.console("admin", "grant alice pi-* --ports *");
        home = lab.dir.resolve("alice-config");
        jumpgate = launcher(home);
    }

    @AfterAll
    void stop() throws Exception {
        echo.close();
        lab.close();
    }

    /**
     * The launcher of a copy of alice's config directory, {@code name}, in whose client.properties {@code regex}
     * is replaced with {@code replacement}.
     */
    private Path aliceConfigWith(String name, String regex, String replacement) throws Exception {
        Path other = lab.dir.resolve(name);
        Files.createDirectories(other.resolve("jumpgate"));
        Files.writeString(
                other.resolve("jumpgate/client.properties"),
                Files.readString(home.resolve("jumpgate/client.properties")).replaceAll(regex, replacement));
        return launcher(other);
    }

    /** What a user's PATH would hold: the jumpgate command, with alice's config directory. */
    private Path launcher(Path configHome) throws Exception {
        Path script = lab.dir.resolve("jumpgate-" + configHome.getFileName());
        return lab.launcher(script, configHome, "export JUMPGATE_LAUNCHER=" + script);
    }

    @Test
    @Order(1)
    void loginChecksTheRelayWithSshThenRemembersIt() throws Exception {
        Ssh.Result r = jg(
                jumpgate,
                "login",
                "-F",
                lab.config().toString(),
                "-i",
                lab.key("alice").toString(),
                "relay-alice");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("as alice");
        assertThat(Files.readString(home.resolve("jumpgate/client.properties")))
                .contains("user=alice")
                .contains("tls=SHA256\\:");
    }

    @Test
    @Order(1)
    void loginWithoutAKeyArgumentUsesTheKeyTheSshConfigNamesForTheRelay() throws Exception {
        // No -i and no ssh-agent: only the ssh config's IdentityFile for relay-alice holds alice's key.
        Path elsewhere = lab.dir.resolve("alice-config-from-ssh");
        Path script = launcher(elsewhere);
        Files.writeString(script, Files.readString(script).replace("#!/bin/sh\n", "#!/bin/sh\nunset SSH_AUTH_SOCK\n"));
        Ssh.Result r = jg(script, "login", "-F", lab.config().toString(), "relay-alice");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readString(elsewhere.resolve("jumpgate/client.properties")))
                .contains("identity=" + lab.key("alice").toAbsolutePath());
        Ssh.Result ls = jg(script, "ls");
        assertThat(ls.out()).as(ls.err()).containsPattern("pi-kitchen\\s+online");
    }

    @Test
    @Order(2)
    void lsListsTheDevicesOfTheUser() throws Exception {
        Ssh.Result r = jg(jumpgate, "ls");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("pi-kitchen\\s+online").doesNotContain("db-1");
        Ssh.Result json = jg(jumpgate, "ls", "--json");
        assertThat(json.out()).contains("\"name\":\"pi-kitchen\",\"online\":true");
    }

    @Test
    @Order(3)
    void generatedConfigReachesTheDeviceWithStrictHostKeyChecking() throws Exception {
        Ssh.Result conf = jg(jumpgate, "config");
        assertThat(conf.exit()).as(conf.err()).isZero();
        assertThat(conf.out())
                .contains("Host pi-kitchen")
                .contains("StrictHostKeyChecking yes")
                .contains("IdentityFile " + lab.key("alice").toAbsolutePath());
        // Nothing but the generated blocks names alice's key: the one she logged in with.
        Path sshConfig = lab.dir.resolve("alice_ssh_config");
        Files.writeString(sshConfig, conf.out() + "Host *\n  IdentitiesOnly yes\n  BatchMode yes\n");
        Ssh.Result r = Ssh.run(
                List.of("ssh", "-F", sshConfig.toString(), "pi-kitchen", "echo via-proxy"),
                null,
                Duration.ofSeconds(30));
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("via-proxy\n");
    }

    @ParameterizedTest(name = "through the mux: {0}")
    @ValueSource(booleans = {true, false})
    @Order(4)
    void theProxyLoadsNoPicocliBouncyCastleMinaOrLogback(boolean mux) throws Exception {
        // `jumpgate proxy` starts once per ssh connection; these would add a tenth of a second or more to each.
        Path loaded = lab.dir.resolve("proxy-classes-" + mux + ".log");
        List<String> java = new ArrayList<>(Proc.javaCommand());
        java.add(1, "-Xlog:class+load=info:file=" + loaded);
        Path script = lab.launcher(
                lab.dir.resolve("jumpgate-class-log-" + mux), home, mux ? "" : "export JUMPGATE_MUX=no", java);
        if (mux) {
            // The proxies before this one started alice's mux; wait until it serves, so this proxy goes through it.
            Awaitility.await("alice's mux")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> jg(jumpgate, "mux", "status").out().contains("linked=yes"));
        }
        Path sshConfig = lab.dir.resolve("alice_ssh_config");
        Ssh.Result r = Ssh.run(
                List.of(
                        "ssh",
                        "-F",
                        sshConfig.toString(),
                        "-o",
                        "ProxyCommand=" + script + " proxy %h %p",
                        "pi-kitchen",
                        "echo lean"),
                null,
                Duration.ofSeconds(30));
        assertThat(r.out()).as(r.err()).isEqualTo("lean\n");
        String bridge = mux ? "dev.jumpgate.client.mux.MuxDial" : "dev.jumpgate.client.StdioBridge";
        Awaitility.await("the proxy's class log")
                .atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(loaded) && Files.readString(loaded).contains(bridge));
        assertThat(Files.readString(loaded))
                .doesNotContain(
                        "org.bouncycastle.",
                        "org.apache.sshd.",
                        "picocli.",
                        "ch.qos.logback.",
                        "io.netty.handler.ssl.JdkSslContext");
        if (mux) {
            // Through the mux the proxy only copies bytes: no TLS, no HTTP/2, no Netty at all.
            assertThat(Files.readString(loaded)).doesNotContain("io.netty.", "javax.net.ssl.SSLContext ");
        }
    }

    @Test
    @Order(4)
    void scpSftpAndRsyncWorkThroughTheProxy() throws Exception {
        Path sshConfig = lab.dir.resolve("alice_ssh_config");
        byte[] data = new byte[20 * 1024 * 1024];
        new Random(3).nextBytes(data);
        Path src = lab.dir.resolve("payload.bin");
        Files.write(src, data);
        String sum = JumpTest.sha256(data);

        Path viaScp = lab.dir.resolve("via-scp.bin");
        assertThat(Ssh.run(
                                List.of(
                                        "scp",
                                        "-q",
                                        "-F",
                                        sshConfig.toString(),
                                        src.toString(),
                                        "pi-kitchen:" + viaScp),
                                null,
                                Duration.ofMinutes(2))
                        .exit())
                .isZero();
        Path viaSftp = lab.dir.resolve("via-sftp.bin");
        Ssh.Result sftp = Ssh.run(
                List.of("sftp", "-q", "-F", sshConfig.toString(), "-b", "-", "pi-kitchen"),
                ("put " + src + " " + viaSftp + "\n").getBytes(),
                Duration.ofMinutes(2));
        assertThat(sftp.exit()).as(sftp.err()).isZero();
        Path viaRsync = lab.dir.resolve("via-rsync.bin");
        Ssh.Result rsync = Ssh.run(
                List.of("rsync", "-e", "ssh -F " + sshConfig, src.toString(), "pi-kitchen:" + viaRsync),
                null,
                Duration.ofMinutes(2));
        assertThat(rsync.exit()).as(rsync.err()).isZero();

        for (Path p : List.of(viaScp, viaSftp, viaRsync)) {
            assertThat(JumpTest.sha256(Files.readAllBytes(p))).as(p.toString()).isEqualTo(sum);
        }
    }

    @Test
    @Order(5)
    void connectPrintsAnSshLineThatWorks() throws Exception {
        try (Proc connect =
                Proc.start(lab.dir.resolve("logs"), "connect", List.of(jumpgate.toString(), "connect", "pi-kitchen"))) {
            Matcher m = connect.awaitOutput("^(ssh -p \\d+ .*)$", Duration.ofSeconds(60));
            assertThat(m.group(1)).contains("-o HostKeyAlias=pi-kitchen");
            List<String> cmd = new ArrayList<>(List.of(m.group(1).split(" ")));
            cmd.addAll(
                    1, List.of("-i", lab.key("alice").toString(), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes"));
            cmd.add("echo via-connect");
            for (int i = 0; i < 3; i++) { // one port serves many sessions
                Ssh.Result r = Ssh.run(cmd, null, Duration.ofSeconds(30));
                assertThat(r.out()).as(r.err()).isEqualTo("via-connect\n");
            }
        }
    }

    @Test
    @Order(6)
    void tunnelReachesAPortTheDeviceAllows() throws Exception {
        try (Proc tunnel = Proc.start(
                lab.dir.resolve("logs"),
                "tunnel",
                List.of(jumpgate.toString(), "tunnel", "pi-kitchen", "0:127.0.0.1:" + echo.getLocalPort()))) {
            int port = Integer.parseInt(tunnel.awaitOutput("^127\\.0\\.0\\.1:(\\d+) -> ", Duration.ofSeconds(60))
                    .group(1));
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.getOutputStream().write("ping\n".getBytes());
                byte[] back = s.getInputStream().readNBytes(5);
                assertThat(new String(back)).isEqualTo("ping\n");
            }
        }
    }

    @Test
    @Order(7)
    void tunnelToAPortTheDeviceDoesNotAllowIsRefused() throws Exception {
        Ssh.Result r = jg(jumpgate, "tunnel", "pi-kitchen", "0:127.0.0.1:9");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("does not allow 127.0.0.1:9");
    }

    @Test
    @Order(8)
    void noGrantAndOfflineAreRefusedWithTheirReasons() throws Exception {
        Ssh.Result r = jg(jumpgate, "proxy", "db-1");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("no device 'db-1' that you may reach; ssh relay lists yours");
        lab.console("admin", "grant alice db-*");
        r = jg(jumpgate, "proxy", "db-1");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("device db-1 is offline, last seen");
    }

    @Test
    @Order(9)
    void aKeyThatIsNotTheUsersIsRefused() throws Exception {
        Ssh.Result r = jg(aliceConfigWith("mallory-config", "identity=.*", "identity=" + lab.key("mallory")), "ls");
        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.err()).contains("took none of your keys").contains("is not a key of user 'alice'");
    }

    @Test
    @Order(10)
    void aRelayWithAnotherCertificateFailsClosed() throws Exception {
        Path pinnedElsewhere = aliceConfigWith("pinned-elsewhere", "tls=.*", "tls=SHA256\\\\:" + "A".repeat(43));
        Ssh.Result r = jg(pinnedElsewhere, "proxy", "pi-kitchen");
        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("does not match the pinned");
        // A proxy whose own login failed starts no mux for it.
        Ssh.Result status = jg(pinnedElsewhere, "mux", "status");
        assertThat(status.exit()).isEqualTo(1);
        assertThat(status.out()).contains("no mux serves this login");
        // A mux started by hand fails closed the same way, and proxies then leave the mux alone for a while.
        Ssh.Result run = jg(pinnedElsewhere, "mux", "run");
        assertThat(run.exit()).isEqualTo(4);
        assertThat(run.err()).contains("does not match the pinned");
        status = jg(pinnedElsewhere, "mux", "status");
        assertThat(status.out()).contains("the last one failed to start, so proxies dial by themselves until");
        Ssh.Result again = jg(pinnedElsewhere, "proxy", "pi-kitchen");
        assertThat(again.exit()).isEqualTo(4);
        assertThat(again.err()).contains("does not match the pinned");
    }

    @Test
    @Order(11)
    void withoutLoginEveryCommandSaysHowToLogIn() throws Exception {
        Ssh.Result r = jg(launcher(lab.dir.resolve("nobody")), "ls");
        assertThat(r.exit()).isEqualTo(5);
        assertThat(r.err()).contains("not logged in: run `jumpgate login");
    }

    @Test
    @Order(12)
    void connectLinksAgainAfterTheRelayRestartsAndServesNewSessions() throws Exception {
        try (Proc connect = Proc.start(
                lab.dir.resolve("logs"), "connect-relink", List.of(jumpgate.toString(), "connect", "pi-kitchen"))) {
            Matcher m = connect.awaitOutput("^(ssh -p \\d+ .*)$", Duration.ofSeconds(60));
            List<String> cmd = new ArrayList<>(List.of(m.group(1).split(" ")));
            cmd.addAll(
                    1,
                    List.of(
                            "-i",
                            lab.key("alice").toString(),
                            "-o",
                            "IdentitiesOnly=yes",
                            "-o",
                            "BatchMode=yes",
                            "-o",
                            "ConnectTimeout=20"));
            assertThat(Ssh.run(with(cmd, "echo before"), null, Duration.ofSeconds(30))
                            .out())
                    .isEqualTo("before\n");

            lab.relay().kill();
            lab.startRelay(); // same ports, same state
            lab.awaitOnline("pi-kitchen", Duration.ofSeconds(60));
            Awaitility.await("a new session through the same connect port")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> Ssh.run(with(cmd, "echo after"), null, Duration.ofSeconds(30))
                            .out()
                            .equals("after\n"));
            assertThat(connect.isAlive()).isTrue();
            assertThat(connect.stderr()).contains("closed; linking again");
            Awaitility.await("connect says it linked again")
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> connect.stderr().contains("linked to relay"));
        }
    }

    /**
     * A client link is bound to its key, as a bastion session is: a revoke ends the streams its grant allowed and
     * leaves the link, and taking the key away ends the link; each within a second of the console's return.
     */
    @Test
    @Order(13)
    void revokeEndsAClientStreamAndUserKeyRmEndsTheLinkWithinOneSecond() throws Exception {
        try (Proc tunnel = Proc.start(
                lab.dir.resolve("logs"),
                "tunnel-revoked",
                List.of(jumpgate.toString(), "tunnel", "pi-kitchen", "0:127.0.0.1:" + echo.getLocalPort()))) {
            int port = Integer.parseInt(tunnel.awaitOutput("^127\\.0\\.0\\.1:(\\d+) -> ", Duration.ofSeconds(60))
                    .group(1));
            try (Socket s = echoing(port)) {
                assertThat(lab.console("admin", "revoke alice 'pi-*'").exit()).isZero();
                assertThat(endsWithinOneSecond(s))
                        .as("the stream the revoked grant allowed")
                        .isTrue();
            }
            assertThat(lab.console("admin", "grant alice 'pi-*' --ports '*'").exit())
                    .isZero();
            try (Socket s = echoing(port)) {
                String fingerprint = Ssh.run(
                                List.of("ssh-keygen", "-l", "-f", lab.key("alice") + ".pub"),
                                null,
                                Duration.ofSeconds(10))
                        .out()
                        .split(" ")[1];
                assertThat(lab.console("admin", "user key rm alice " + fingerprint)
                                .exit())
                        .isZero();
                assertThat(endsWithinOneSecond(s))
                        .as("a stream of the link whose key was taken away")
                        .isTrue();
            }
            Awaitility.await("the tunnel hears its link was closed")
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> tunnel.stderr().contains("linking again"));
        }
    }

    private Socket echoing(int port) throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.getOutputStream().write("ping\n".getBytes());
        assertThat(new String(s.getInputStream().readNBytes(5))).isEqualTo("ping\n");
        return s;
    }

    /** Whether the socket reads its end (or a reset) within a second. */
    private static boolean endsWithinOneSecond(Socket s) throws Exception {
        s.setSoTimeout(1_000);
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private static List<String> with(List<String> ssh, String command) {
        List<String> c = new ArrayList<>(ssh);
        c.add(command);
        return c;
    }

    private static ServerSocket echoServer() throws Exception {
        ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s;
                                InputStream in = s.getInputStream();
                                OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (Exception e) {
                            // the client went away
                        }
                    });
                } catch (Exception e) {
                    // closed
                }
            }
        });
        return server;
    }
}

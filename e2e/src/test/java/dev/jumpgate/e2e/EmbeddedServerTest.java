package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A device with no sshd: its agent serves SSH itself ({@code --embedded}), and the user's stock OpenSSH tools
 * work through the relay as with sshd: commands, a real terminal, scp, sftp, rsync, port forwarding, and the
 * refusals. The device's host key comes from the relay only, checked strictly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EmbeddedServerTest {

    static final String USER = System.getProperty("user.name");

    Path tmp;
    Lab lab;
    Proc agent;
    Echo echo;
    int listenPort;

    @BeforeAll
    void start() throws Exception {
        tmp = Lab.workDir(getClass());
        lab = new Lab(tmp);
        echo = Echo.start();
        listenPort = Lab.freePort();
        agent = lab.addEmbeddedDevice(
                "box",
                "--allow",
                "127.0.0.1:" + echo.port(),
                "--allow-listen",
                "127.0.0.1:" + listenPort,
                "--ssh-keepalive",
                "1");
    }

    @AfterAll
    void stop() throws Exception {
        echo.close();
        lab.close();
    }

    /**
     * {@code ssh -i KEY -J relay-admin OPTIONS LOGIN@box COMMAND}: admin passes the relay, KEY logs in to the
     * device; no command when {@code command} is null.
     */
    List<String> ssh(String key, String login, List<String> options, String command) {
        List<String> cmd = new ArrayList<>(
                List.of("ssh", "-F", lab.config().toString(), "-i", lab.key(key).toString(), "-J", "relay-admin"));
        cmd.addAll(options);
        cmd.add(login + "@box");
        if (command != null) {
            cmd.add(command);
        }
        return cmd;
    }

    Ssh.Result run(String command) throws Exception {
        return Ssh.run(ssh("admin", USER, List.of(), command), null, Duration.ofSeconds(30));
    }

    @Test
    void agentSaysItServesSshItselfAndReportsTheKeyItGenerated() throws Exception {
        agent.awaitLog("serving SSH from the agent's embedded server on 127\\.0\\.0\\.1:\\d+", Duration.ofSeconds(5));
        String hostKey = Files.readString(lab.agentState("box").resolve("ssh_host_ed25519_key.pub"));
        String published = lab.console("admin", "known-hosts").out();
        String[] typeAndKey = hostKey.split(" ");
        assertThat(published).contains("box " + typeAndKey[0] + " " + typeAndKey[1] + "\n");
    }

    @Test
    void theHostKeyNeverReachesTheLogs() throws Exception {
        // the first base64 line is the same format header in every such key; the secret is in the others
        List<String> secret = Files.readAllLines(lab.agentState("box").resolve("ssh_host_ed25519_key")).stream()
                .filter(l -> !l.startsWith("-----"))
                .skip(1)
                .filter(l -> l.length() >= 40)
                .toList();
        assertThat(secret).isNotEmpty();
        run("true");
        try (var logs = Files.list(tmp.resolve("logs"))) {
            for (Path log : logs.toList()) {
                String text = Files.readString(log);
                secret.forEach(line -> assertThat(text).as("%s", log).doesNotContain(line));
            }
        }
    }

    /** A device whose agent finds nothing on its SSH target serves SSH itself, and says so. */
    @Test
    void agentWithNothingOnItsTargetServesSshItself() throws Exception {
        int nothing = Lab.freePort();
        Path keys = Files.writeString(tmp.resolve("bare_authorized_keys"), lab.pub("admin"));
        Proc bare = lab.addDevice("bare", "--target", "127.0.0.1:" + nothing, "--authorized-keys", keys.toString());
        bare.awaitLog(
                "nothing listens on 127\\.0\\.0\\.1:" + nothing + "; serving SSH from the agent's embedded"
                        + " server on 127\\.0\\.0\\.1:\\d+",
                Duration.ofSeconds(5));
        Ssh.Result r = Ssh.run(lab.sshArgs("admin", "bare", "echo served"), null, Duration.ofSeconds(30));
        assertThat(r.out()).as(r.err()).isEqualTo("served\n");
    }

    @Test
    void commandExitStatusAndStderrComeBackSeparately() throws Exception {
        Ssh.Result r = run("echo out; echo err >&2; exit 7");
        assertThat(r.out()).isEqualTo("out\n");
        assertThat(r.err()).isEqualTo("err\n");
        assertThat(r.exit()).isEqualTo(7);
    }

    @Test
    void commandRunsAsTheLoginInItsHomeWithOnlyAllowedClientVariables() throws Exception {
        List<String> cmd = ssh(
                "admin",
                USER,
                List.of("-o", "SetEnv=LANG=C.UTF-8 LC_TIME=C SECRET_KNOB=1"),
                "echo $USER $LANG $LC_TIME ${SECRET_KNOB:-unset}; pwd");
        Ssh.Result r = Ssh.run(cmd, null, Duration.ofSeconds(30));
        assertThat(r.out()).isEqualTo(USER + " C.UTF-8 C unset\n" + System.getProperty("user.home") + "\n");
    }

    @Test
    void stdinArrivesWholeAndItsEndEndsTheCommand() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(data);
        Ssh.Result r = Ssh.run(ssh("admin", USER, List.of(), "sha256sum"), data, Duration.ofSeconds(60));
        assertThat(r.out()).startsWith(JumpTest.sha256(data));
    }

    @Test
    void unknownKeyIsRefused() throws Exception {
        Ssh.Result r = Ssh.run(ssh("mallory", USER, List.of(), "true"), null, Duration.ofSeconds(30));
        assertThat(r.exit()).isEqualTo(255);
        assertThat(r.err()).contains("Permission denied (publickey)");
        agent.awaitLog("refusing key SHA256:\\S+ for '" + USER + "'", Duration.ofSeconds(5));
    }

    @Test
    void anAccountTheDeviceDoesNotHaveIsRefused() throws Exception {
        Ssh.Result r = Ssh.run(ssh("admin", "nosuchuser", List.of(), "true"), null, Duration.ofSeconds(30));
        assertThat(r.exit()).isEqualTo(255);
        assertThat(r.err()).contains("Permission denied (publickey)");
        agent.awaitLog("refusing login as 'nosuchuser'", Duration.ofSeconds(5));
    }

    @Test
    void localForwardReachesAnAllowedEndpoint() throws Exception {
        int local = Lab.freePort();
        try (Proc fwd = forward("-L", "127.0.0.1:" + local + ":127.0.0.1:" + echo.port())) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .ignoreExceptions()
                    .until(() -> Echo.roundTrip(local, "through -L").equals("through -L"));
        }
    }

    @Test
    void localForwardToATargetTheAgentDoesNotAllowIsRefused() throws Exception {
        int local = Lab.freePort();
        try (Proc fwd = forward("-L", "127.0.0.1:" + local + ":127.0.0.1:" + lab.sshPort)) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .ignoreExceptions()
                    .until(() -> Echo.closedWithoutReply(local));
            fwd.awaitLog("administratively prohibited", Duration.ofSeconds(10));
        }
        agent.awaitLog("refusing ssh -L to 127\\.0\\.0\\.1:" + lab.sshPort, Duration.ofSeconds(5));
    }

    @Test
    void remoteForwardListensOnAnAllowedPortOfTheDevice() throws Exception {
        try (Proc fwd = forward("-R", "127.0.0.1:" + listenPort + ":127.0.0.1:" + echo.port())) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .ignoreExceptions()
                    .until(() -> Echo.roundTrip(listenPort, "through -R").equals("through -R"));
        }
    }

    @Test
    void remoteForwardOnAPortTheAgentDoesNotAllowIsRefused() throws Exception {
        int other = Lab.freePort();
        Ssh.Result r = Ssh.run(
                ssh(
                        "admin",
                        USER,
                        List.of(
                                "-N",
                                "-o",
                                "ExitOnForwardFailure=yes",
                                "-R",
                                "127.0.0.1:" + other + ":127.0.0.1:" + echo.port()),
                        null),
                null,
                Duration.ofSeconds(30));
        assertThat(r.exit()).isEqualTo(255);
        assertThat(r.err()).contains("remote port forwarding failed for listen port " + other);
    }

    private Proc forward(String... spec) throws Exception {
        List<String> args = new ArrayList<>(List.of("-N", "-o", "ExitOnForwardFailure=yes"));
        args.addAll(List.of(spec));
        return Proc.start(tmp.resolve("logs"), "forward-" + System.nanoTime(), ssh("admin", USER, args, null));
    }
}

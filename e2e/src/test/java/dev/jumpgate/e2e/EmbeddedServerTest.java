package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
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
    /**
     * Where the agent lets {@code ssh -R} listen: ports free when it started, which its embedded server binds only
     * when a test asks, so one may be taken by then; the test tries them in turn.
     */
    List<Integer> listenPorts = new ArrayList<>();
    /** A port the agent does not let {@code ssh -R} listen on, held by the test so that no allowed port is it. */
    Socket notAllowed;

    @BeforeAll
    void start() throws Exception {
        tmp = Lab.workDir(getClass());
        lab = new Lab(tmp);
        echo = Echo.start();
        notAllowed = Lab.closedPort();
        List<String> args = new ArrayList<>(List.of("--allow", "127.0.0.1:" + echo.port(), "--ssh-keepalive", "1"));
        while (listenPorts.size() < Lab.PORT_TRIES) {
            int port = Lab.freePort();
            if (!listenPorts.contains(port)) {
                listenPorts.add(port);
                args.addAll(List.of("--allow-listen", "127.0.0.1:" + port));
            }
        }
        agent = lab.addEmbeddedDevice("box", args.toArray(String[]::new));
    }

    @AfterAll
    void stop() throws Exception {
        echo.close();
        notAllowed.close();
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
        try (Socket closed = Lab.closedPort()) {
            int nothing = closed.getLocalPort();
            Path keys = Files.writeString(tmp.resolve("bare_authorized_keys"), lab.pub("admin"));
            Proc bare = lab.addDevice("bare", "--target", "127.0.0.1:" + nothing, "--authorized-keys", keys.toString());
            bare.awaitLog(
                    "nothing listens on 127\\.0\\.0\\.1:" + nothing + "; serving SSH from the agent's embedded"
                            + " server on 127\\.0\\.0\\.1:\\d+",
                    Duration.ofSeconds(5));
            Ssh.Result r = Ssh.run(lab.sshArgs("admin", "bare", "echo served"), null, Duration.ofSeconds(30));
            assertThat(r.out()).as(r.err()).isEqualTo("served\n");
        }
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
        try (Forward fwd = Lab.onFreePort(local -> localForward(local, echo.port()))) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .ignoreExceptions()
                    .until(() -> Echo.roundTrip(fwd.port(), "through -L").equals("through -L"));
        }
    }

    @Test
    void localForwardToATargetTheAgentDoesNotAllowIsRefused() throws Exception {
        try (Forward fwd = Lab.onFreePort(local -> localForward(local, lab.sshPort))) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .ignoreExceptions()
                    .until(() -> Echo.closedWithoutReply(fwd.port()));
            fwd.proc().awaitLog("administratively prohibited", Duration.ofSeconds(10));
        }
        agent.awaitLog("refusing ssh -L to 127\\.0\\.0\\.1:" + lab.sshPort, Duration.ofSeconds(5));
    }

    /** If another process took an allowed port since the agent started, ssh -R fails there and tries the next. */
    @Test
    void remoteForwardListensOnAnAllowedPortOfTheDevice() throws Exception {
        List<Lab.PortTaken> taken = new ArrayList<>();
        for (int port : listenPorts) {
            Proc fwd;
            try {
                fwd = forwarding(
                        "remote forward success for: listen 127\\.0\\.0\\.1:" + port + ",",
                        "remote port forwarding failed for listen port " + port,
                        "-R",
                        "127.0.0.1:" + port + ":127.0.0.1:" + echo.port());
            } catch (Lab.PortTaken e) {
                taken.add(e);
                continue;
            }
            try (fwd) {
                Awaitility.await()
                        .atMost(Duration.ofSeconds(20))
                        .ignoreExceptions()
                        .until(() -> Echo.roundTrip(port, "through -R").equals("through -R"));
                return;
            }
        }
        throw new AssertionError("ssh -R failed on every allowed port " + listenPorts + ": " + taken);
    }

    @Test
    void remoteForwardOnAPortTheAgentDoesNotAllowIsRefused() throws Exception {
        int other = notAllowed.getLocalPort();
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
        agent.awaitLog("refusing ssh -R listening on \\S*:" + other + " ", Duration.ofSeconds(5));
    }

    /** {@code ssh -L 127.0.0.1:PORT:...} and the port it listens on. */
    record Forward(int port, Proc proc) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            proc.close();
        }
    }

    /**
     * {@code ssh -L} on {@code local}, to {@code target} on the device's loopback, once ssh says it listens: ssh
     * cannot bind port 0 for -L, so when another process took {@code local} first it exits, and
     * {@link Lab#onFreePort} tries another.
     */
    private Forward localForward(int local, int target) throws Exception {
        return new Forward(
                local,
                forwarding(
                        "Local forwarding listening on 127\\.0\\.0\\.1 port " + local + "\\.",
                        "bind \\[127\\.0\\.0\\.1\\]:" + local + ": Address already in use",
                        "-L",
                        "127.0.0.1:" + local + ":127.0.0.1:" + target));
    }

    /**
     * {@link #forward} with {@code -v}, once its log matches {@code ready}; throws {@link Lab.PortTaken} when it
     * matches {@code taken}, and fails when ssh exits otherwise.
     */
    private Proc forwarding(String ready, String taken, String... spec) throws Exception {
        List<String> args = new ArrayList<>(List.of("-v"));
        args.addAll(List.of(spec));
        Proc fwd = forward(args.toArray(String[]::new));
        Pattern isReady = Pattern.compile(ready);
        Pattern isTaken = Pattern.compile(taken);
        boolean up = false;
        try {
            Awaitility.await("ssh " + String.join(" ", spec))
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> !fwd.isAlive()
                            || isReady.matcher(fwd.stderr()).find()
                            || isTaken.matcher(fwd.stderr()).find());
            up = isReady.matcher(fwd.stderr()).find();
        } finally {
            if (!up) {
                fwd.close();
            }
        }
        if (up) {
            return fwd;
        }
        if (isTaken.matcher(fwd.stderr()).find()) {
            throw new Lab.PortTaken("ssh " + String.join(" ", spec) + ": the port is taken");
        }
        throw new AssertionError("ssh " + String.join(" ", spec) + " exited: " + fwd.stderr());
    }

    private Proc forward(String... spec) throws Exception {
        List<String> args = new ArrayList<>(List.of("-N", "-o", "ExitOnForwardFailure=yes"));
        args.addAll(List.of(spec));
        return Proc.start(tmp.resolve("logs"), "forward-" + System.nanoTime(), ssh("admin", USER, args, null));
    }
}

package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** What a user does every day: ssh -J to a device through the relay, with OpenSSH and nothing else. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JumpTest {

    Path tmp;
    Lab lab;
    Echo echo;

    @BeforeAll
    void start() throws Exception {
        tmp = Lab.workDir(getClass());
        lab = new Lab(tmp);
        echo = Echo.start();
        lab.addDevice("pi-kitchen", "--allow", "127.0.0.1:" + echo.port());
    }

    @AfterAll
    void stop() throws Exception {
        lab.close();
        echo.close();
    }

    @Test
    void commandRunsOnDeviceAndItsExitStatusComesBack() throws Exception {
        Ssh.Result r = lab.ssh("admin", "pi-kitchen", "echo out; echo err >&2; exit 7", null, Duration.ofSeconds(30));
        assertThat(r.out()).isEqualTo("out\n");
        assertThat(r.err()).isEqualTo("err\n");
        assertThat(r.exit()).isEqualTo(7);
    }

    /** Keys, tokens' hashes and the user list, as the running relay and agent left them: theirs alone. */
    @Test
    void theRelaysDataAndTheAgentsStateAreTheirUsersAlone() throws Exception {
        for (Path dir : List.of(lab.dir.resolve("relay"), lab.agentState("pi-kitchen"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                    .as(dir.toString())
                    .isEqualTo("rwx------");
            try (var files = Files.list(dir)) {
                List<Path> secrets = files.filter(Files::isRegularFile)
                        .filter(f -> !f.toString().endsWith(".pub"))
                        .toList();
                assertThat(secrets)
                        .isNotEmpty()
                        .allSatisfy(f -> assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                                .as(f.toString())
                                .isEqualTo("rw-------"));
            }
        }
    }

    /** The form older scripts use keeps working, but says the token was on show in the process list. */
    @Test
    void aTokenOnTheCommandLineStillEnrollsButWarnsWithoutEchoingIt() throws Exception {
        String token = lab.token("pi-argv");
        Proc p = lab.adopt(Proc.jumpgate(
                tmp.resolve("logs"),
                "enroll-argv",
                "agent",
                "enroll",
                token,
                "--state",
                lab.agentState("pi-argv").toString()));

        assertThat(p.awaitExit(Lab.START)).as(p.stderr()).isZero();
        assertThat(p.stderr())
                .contains("warning: the enrollment token on the command line can be read by every user")
                .contains("--token-file")
                .doesNotContain(token);
    }

    @Test
    void deviceHostKeyFromRelayIsCheckedStrictly() throws Exception {
        Path tampered = tmp.resolve("known_hosts_tampered");
        String relayLine =
                Files.readString(tmp.resolve("known_hosts")).lines().findFirst().orElseThrow();
        // The device's name with someone else's key: ssh must refuse, not ask and not accept.
        Files.writeString(
                tampered, relayLine + "\npi-kitchen " + lab.pub("mallory").strip() + "\n");
        List<String> args = new ArrayList<>(lab.sshArgs("admin", "pi-kitchen", "true"));
        args.addAll(1, List.of("-o", "UserKnownHostsFile=" + tampered));
        Ssh.Result r = Ssh.run(args, null, Duration.ofSeconds(30));
        assertThat(r.exit()).isEqualTo(255);
        assertThat(r.err()).contains("Host key verification failed");
    }

    @Test
    void interactiveSessionWithTerminalWorks() throws Exception {
        List<String> args = new ArrayList<>(lab.sshArgs("admin", "pi-kitchen", null));
        args.add(1, "-tt");
        Ssh.Result r =
                Ssh.run(args, "echo $((6 * 7))\nexit 3\n".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30));
        assertThat(r.out()).contains("42");
        assertThat(r.exit()).isEqualTo(3);
    }

    @Test
    void hundredMegabytesByScpArriveIdentical() throws Exception {
        Path file = tmp.resolve("random.bin");
        byte[] data = new byte[100 * 1024 * 1024];
        new Random(42).nextBytes(data);
        Files.write(file, data);
        Path remote = tmp.resolve("copied.bin");
        Ssh.Result r = Ssh.run(
                List.of(
                        "scp",
                        "-q",
                        "-F",
                        lab.config().toString(),
                        "-i",
                        lab.key("admin").toString(),
                        "-J",
                        "relay-admin",
                        file.toString(),
                        System.getProperty("user.name") + "@pi-kitchen:" + remote),
                null,
                Duration.ofMinutes(3));
        assertThat(r.exit()).as(r.err()).isZero();
        Ssh.Result sum = lab.ssh("admin", "pi-kitchen", "sha256sum " + remote, null, Duration.ofSeconds(30));
        assertThat(sum.out()).startsWith(sha256(data));
    }

    @Test
    void everyByteBeforeTheClientsEndReachesTheDeviceAndComesBack() throws Exception {
        // ssh -W as a plain pipe: the relay queues the client's packets for its loop, and the end must come behind
        // them. Less than the bastion's 2 MiB window, so that ssh sends all of it and its end without waiting.
        byte[] random = new byte[768 * 1024];
        new Random(7).nextBytes(random);
        byte[] text = HexFormat.of().formatHex(random).getBytes(StandardCharsets.US_ASCII);
        Ssh.Result r = lab.forward("admin", "pi-kitchen", echo.port(), text, Duration.ofMinutes(2));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().length()).isEqualTo(text.length);
        assertThat(sha256(r.out().getBytes(StandardCharsets.US_ASCII))).isEqualTo(sha256(text));
    }

    @Test
    void twentyConcurrentSessionsEachGetTheirOwnBytes() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<Ssh.Result>> results = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                byte[] data = new byte[512 * 1024];
                new Random(i).nextBytes(data);
                expected.add(sha256(data));
                results.add(
                        pool.submit(() -> lab.ssh("admin", "pi-kitchen", "sha256sum", data, Duration.ofMinutes(2))));
            }
            for (int i = 0; i < results.size(); i++) {
                Ssh.Result r = results.get(i).get();
                assertThat(r.exit()).as("session %d: %s", i, r.err()).isZero();
                assertThat(r.out()).as("session %d", i).startsWith(expected.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void secretsNeverReachTheLogs() throws Exception {
        String agentKey = Files.readString(lab.agentState("pi-kitchen").resolve("agent.key"));
        String keyBody =
                agentKey.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        try (var logs = Files.list(tmp.resolve("logs"))) {
            for (Path log : logs.toList()) {
                String text = Files.readString(log);
                for (String token : lab.tokens) {
                    assertThat(text).as("%s leaks a token", log).doesNotContain(token.substring(5));
                }
                assertThat(text).as("%s leaks the agent key", log).doesNotContain(keyBody);
            }
        }
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}

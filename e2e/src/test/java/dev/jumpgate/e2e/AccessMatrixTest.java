package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Who may reach what, every cell of the table asserted with real {@code ssh -W TARGET relay}: each person
 * (admin, user with a grant, user without, revoked user, removed user, unknown key) against each target (a
 * granted device on its SSH port and another port, an offline device, a device outside the grant, an unknown
 * device, IPs, localhost and the relay's own ports). A cell is "OK" when the device's sshd banner comes
 * through, else the refusal text ssh prints. Token replay, expiry and device impersonation are in
 * {@link RefusalTest}; the client path (`jumpgate proxy`) applies the same {@code Access}, see {@link ClientTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AccessMatrixTest {

    private static final String OK = "SSH-2.0-";
    private static final String AUTH = "Permission denied (publickey)";
    /** A device that does not exist and one the user may not reach read alike: no names to enumerate. */
    private static final String NOT_YOURS = "that you may reach; ssh relay lists yours";

    private static final String OTHER_PORT = "is not granted to user";
    private static final String OFFLINE = "is offline, last seen";
    private static final String NOT_ALLOWED_BY_AGENT = "does not allow";
    private static final String NOT_A_PROXY = "this relay is not an open proxy";

    private static final List<String> PEOPLE = List.of("admin", "alice", "bob", "carol", "erin", "mallory");

    Lab lab;

    @BeforeAll
    void start() throws Exception {
        lab = new Lab(Lab.workDir(getClass()));
        lab.addDevice("pi-kitchen");
        lab.addDevice("db-1");
        assertThat(lab.enroll("pi-cellar", lab.token("pi-cellar")).awaitExit(Lab.START))
                .isZero(); // never online
        for (String user : List.of("bob", "carol", "erin", "dave")) {
            lab.addKey(user);
        }
        for (String user : List.of("alice", "bob", "carol", "erin", "dave")) {
            assertThat(lab.console(
                                    "admin",
                                    "user add " + user + " '" + lab.pub(user).strip() + "'")
                            .exit())
                    .isZero();
        }
        for (String user : List.of("alice", "carol", "erin", "dave")) {
            assertThat(lab.console("admin", "grant " + user + " 'pi-*'").exit()).isZero();
        }
        assertThat(lab.console("admin", "revoke carol 'pi-*'").exit()).isZero();
        assertThat(lab.console("admin", "user rm erin").exit()).isZero();
    }

    @AfterAll
    void stop() throws Exception {
        lab.close();
    }

    /** Expected cell per person, in the order of {@link #PEOPLE}. */
    private Map<String, List<String>> table() {
        List<String> refusedToAll = List.of(NOT_A_PROXY, NOT_A_PROXY, NOT_A_PROXY, NOT_A_PROXY, AUTH, AUTH);
        List<String> unknownToAll = List.of(NOT_YOURS, NOT_YOURS, NOT_YOURS, NOT_YOURS, AUTH, AUTH);
        var t = new LinkedHashMap<String, List<String>>();
        //                                 admin                 alice     bob       carol     erin  mallory
        t.put("pi-kitchen:22", List.of(OK, OK, NOT_YOURS, NOT_YOURS, AUTH, AUTH));
        t.put("pi-kitchen:8080", List.of(NOT_ALLOWED_BY_AGENT, OTHER_PORT, NOT_YOURS, NOT_YOURS, AUTH, AUTH));
        t.put("pi-cellar:22", List.of(OFFLINE, OFFLINE, NOT_YOURS, NOT_YOURS, AUTH, AUTH));
        t.put("db-1:22", List.of(OK, NOT_YOURS, NOT_YOURS, NOT_YOURS, AUTH, AUTH));
        t.put("nosuch:22", unknownToAll);
        t.put("localhost:22", unknownToAll);
        t.put("127.0.0.1:22", refusedToAll);
        t.put("[::1]:22", refusedToAll);
        t.put("198.18.0.1:22", refusedToAll);
        t.put("127.0.0.1:" + lab.sshPort, refusedToAll);
        t.put("127.0.0.1:" + lab.linkPort, refusedToAll);
        t.put(lab.sshd.address().toString(), refusedToAll);
        return t;
    }

    @Test
    void everyPersonReachesExactlyWhatTheirGrantsAllow() throws Exception {
        record Cell(String person, String target, String expected, CompletableFuture<String> outcome) {}
        List<Cell> cells = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (var row : table().entrySet()) {
                for (int i = 0; i < PEOPLE.size(); i++) {
                    String person = PEOPLE.get(i);
                    String target = row.getKey();
                    cells.add(new Cell(
                            person,
                            target,
                            row.getValue().get(i),
                            CompletableFuture.supplyAsync(() -> probe(person, target), pool)));
                }
            }
            List<String> wrong = new ArrayList<>();
            StringBuilder report = new StringBuilder();
            for (Cell c : cells) {
                String outcome = c.outcome.get(2, TimeUnit.MINUTES);
                boolean right = outcome.contains(c.expected);
                report.append("%-8s %-22s %-40s %s%n".formatted(c.person, c.target, c.expected, right ? "yes" : "NO"));
                if (!right) {
                    wrong.add(c.person + " -> " + c.target + ": expected '" + c.expected + "', got: " + outcome);
                }
            }
            System.out.print(report);
            assertThat(cells).hasSize(12 * PEOPLE.size());
            assertThat(wrong).as("cells that differ from the table").isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A revoke ends the sessions the grant allowed, at once: the open one ends within a second of the console
     * command's return, and new ones are refused.
     */
    @Test
    void revokeEndsOpenSessionsWithinOneSecondAndRefusesNewOnes() throws Exception {
        // dave jumps; the device's sshd knows alice's key, which dave's inner session borrows.
        Process open = new ProcessBuilder(
                        "ssh",
                        "-F",
                        lab.config().toString(),
                        "-i",
                        lab.key("alice").toString(),
                        "-J",
                        "relay-dave",
                        System.getProperty("user.name") + "@pi-kitchen",
                        "cat")
                .start();
        try {
            echoes(open, "before");

            assertThat(lab.console("admin", "revoke dave 'pi-*'").exit()).isZero();
            long revoked = System.nanoTime();
            assertThat(open.waitFor(1, TimeUnit.SECONDS))
                    .as("the session ended within 1 s of the revoke")
                    .isTrue();
            System.out.printf(
                    "revoke: the open session ended %d ms after the console returned%n",
                    (System.nanoTime() - revoked) / 1_000_000);
            assertThat(probe("dave", "pi-kitchen:22")).contains(NOT_YOURS);
        } finally {
            open.destroy();
            open.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * {@code user rm} ends the user's ControlMaster and what runs through it within a second, and the name
     * re-added with a new key revives nothing the old key opened: the old master is gone, and the old key is
     * refused.
     */
    @Test
    void userRmEndsAControlMasterAndANewKeyForTheNameRevivesNothing() throws Exception {
        lab.addKey("frank");
        lab.addKey("frank-new");
        assertThat(lab.console("admin", "user add frank '" + lab.pub("frank").strip() + "'")
                        .exit())
                .isZero();
        assertThat(lab.console("admin", "grant frank 'pi-*'").exit()).isZero();
        String controlPath = lab.runtime.resolve("cm-frank").toString();
        Process master = new ProcessBuilder(
                        "ssh",
                        "-F",
                        lab.config().toString(),
                        "-o",
                        "ControlMaster=yes",
                        "-o",
                        "ControlPath=" + controlPath,
                        "-o",
                        "ControlPersist=no",
                        "-N",
                        "relay-frank")
                .redirectErrorStream(true)
                .start();
        Process session = null;
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Ssh.run(
                                            List.of(
                                                    "ssh",
                                                    "-F",
                                                    lab.config().toString(),
                                                    "-o",
                                                    "ControlPath=" + controlPath,
                                                    "-O",
                                                    "check",
                                                    "relay-frank"),
                                            null,
                                            Duration.ofSeconds(10))
                                    .exit()
                            == 0);
            session = new ProcessBuilder(
                            "ssh",
                            "-F",
                            lab.config().toString(),
                            "-i",
                            lab.key("alice").toString(),
                            "-o",
                            "ProxyCommand=ssh -F " + lab.config() + " -o ControlMaster=no -o ControlPath=" + controlPath
                                    + " -W %h:%p relay-frank",
                            System.getProperty("user.name") + "@pi-kitchen",
                            "cat")
                    .start();
            echoes(session, "through the master");

            assertThat(lab.console("admin", "user rm frank").exit()).isZero();
            long removed = System.nanoTime();
            assertThat(master.waitFor(1, TimeUnit.SECONDS))
                    .as("the ControlMaster ended within 1 s")
                    .isTrue();
            assertThat(session.waitFor(1, TimeUnit.SECONDS))
                    .as("the session through it too")
                    .isTrue();
            System.out.printf(
                    "user rm: the ControlMaster and its session ended %d ms after the console returned%n",
                    (System.nanoTime() - removed) / 1_000_000);

            assertThat(lab.console(
                                    "admin",
                                    "user add frank '" + lab.pub("frank-new").strip() + "'")
                            .exit())
                    .isZero();
            assertThat(lab.console("admin", "grant frank 'pi-*'").exit()).isZero();
            Ssh.Result viaOld = Ssh.run(
                    List.of(
                            "ssh",
                            "-F",
                            lab.config().toString(),
                            "-o",
                            "ControlMaster=no",
                            "-o",
                            "ControlPath=" + controlPath,
                            "-W",
                            "pi-kitchen:22",
                            "relay-frank"),
                    "SSH-2.0-probe\r\n".getBytes(StandardCharsets.US_ASCII),
                    Duration.ofSeconds(30));
            assertThat(viaOld.out()).as("the old key, by its master or afresh").doesNotContain(OK);
            assertThat(viaOld.err()).contains(AUTH);
        } finally {
            master.destroy();
            if (session != null) {
                session.destroy();
            }
        }
    }

    private static void echoes(Process p, String line) throws Exception {
        OutputStream in = p.getOutputStream();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        assertThat(readLine(out)).isEqualTo(line);
    }

    private static String readLine(BufferedReader r) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
                    try {
                        return r.readLine();
                    } catch (IOException e) {
                        return "read failed: " + e;
                    }
                })
                .get(30, TimeUnit.SECONDS);
    }

    /** What {@code ssh -W TARGET relay-PERSON} shows: the banner on success, else ssh's stderr. */
    private String probe(String person, String target) {
        try {
            Ssh.Result r = Ssh.run(
                    List.of("ssh", "-F", lab.config().toString(), "-W", target, "relay-" + person),
                    "SSH-2.0-probe\r\n".getBytes(StandardCharsets.US_ASCII),
                    Duration.ofSeconds(60));
            return r.out().startsWith(OK)
                    ? r.out().lines().findFirst().orElseThrow()
                    : "exit " + r.exit() + ": " + r.err().strip();
        } catch (Exception e) {
            return "probe failed: " + e;
        }
    }
}

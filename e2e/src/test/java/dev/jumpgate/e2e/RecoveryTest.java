package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/** Processes die with {@code kill -9}; the system comes back without anyone touching it, its state intact. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RecoveryTest {

    /** From the moment the restarted relay's port accepts to the agent's link being welcomed. */
    private static final Duration RELINK_BOUND = Duration.ofSeconds(2);
    /** A session whose relay died must end on its own, not hang. */
    private static final Duration SESSION_END_BOUND = Duration.ofSeconds(20);

    private static final Duration OFFLINE_BOUND = Duration.ofSeconds(5);

    Lab lab;
    Proc agent;

    @BeforeAll
    void start() throws Exception {
        lab = new Lab(Lab.workDir(getClass()));
        agent = lab.addDevice("pi-kitchen");
        lab.console("admin", "user add alice '" + lab.pub("alice").strip() + "'");
        lab.console("admin", "grant alice pi-kitchen");
    }

    @AfterAll
    void stop() throws Exception {
        lab.close();
    }

    @Test
    @Order(1)
    void relayKilledMidTransferEndsTheSessionAndTheAgentIsBackWithinTwoSecondsOfItsReturn() throws Exception {
        Transfers.Download download =
                Transfers.endlessDownload(lab, "pi-kitchen").awaitBytes(64 << 20, Duration.ofSeconds(60));
        Instant killed = Instant.now();
        lab.relay().kill();
        long before = download.bytes().get();
        assertThat(download.process().waitFor(SESSION_END_BOUND.toMillis(), TimeUnit.MILLISECONDS))
                .as("ssh ends once its relay is gone")
                .isTrue();
        Duration ended = Duration.between(killed, Instant.now());
        assertThat(download.process().exitValue()).as("ssh exit status").isNotZero();

        var returned = lab.firstAccept(Duration.ofSeconds(60));
        lab.startRelay();
        LocalTime accepting = returned.get(60, TimeUnit.SECONDS);
        Duration relinked = Duration.between(
                accepting, lab.relay().awaitLogSince("device pi-kitchen online", accepting, Duration.ofSeconds(30)));
        System.out.printf(
                "relay kill -9 after %d MiB: ssh exited %d after %d ms; agent linked %d ms after the "
                        + "restarted relay's port accepted%n",
                before >> 20, download.process().exitValue(), ended.toMillis(), relinked.toMillis());
        assertThat(relinked).as("relink after the relay's return").isLessThanOrEqualTo(RELINK_BOUND);

        // alice's key and grant and the device's key survived the crash; a new transfer goes through.
        lab.awaitOnline("pi-kitchen", Duration.ofSeconds(10));
        Ssh.Result r = lab.ssh("alice", "pi-kitchen", "echo back", null, Duration.ofSeconds(30));
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("back\n");
        Transfers.fiftyMegabytesByScpArriveIdentical(lab, "pi-kitchen");
    }

    @Test
    @Order(2)
    void killedAgentShowsOfflineWithinFiveSecondsAndItsSessionEnds() throws Exception {
        Transfers.Download download =
                Transfers.endlessDownload(lab, "pi-kitchen").awaitBytes(8 << 20, Duration.ofSeconds(60));
        Instant killed = Instant.now();
        agent.kill();
        lab.awaitStatus("pi-kitchen", "offline", OFFLINE_BOUND);
        Duration offline = Duration.between(killed, Instant.now());
        assertThat(download.process().waitFor(SESSION_END_BOUND.toMillis(), TimeUnit.MILLISECONDS))
                .as("ssh ends once the device's agent is gone")
                .isTrue();
        assertThat(download.process().exitValue()).isNotZero();
        System.out.printf(
                "agent kill -9: offline in the relay's device list %d ms later (console poll included)%n",
                offline.toMillis());
        Ssh.Result r = lab.ssh("admin", "pi-kitchen", "true", null, Duration.ofSeconds(30));
        assertThat(r.err()).contains("device pi-kitchen is offline, last seen");
    }

    @Test
    @Order(3)
    void restartedAgentServesAgain() throws Exception {
        agent = lab.startAgent("pi-kitchen");
        assertThat(lab.ssh("admin", "pi-kitchen", "echo again", null, Duration.ofSeconds(30))
                        .out())
                .isEqualTo("again\n");
    }

    /**
     * Three users of the console write as fast as ssh lets them (grants for two users, enrollment tokens); the
     * relay is killed among those writes. Every write whose command had answered must be in the file, and the
     * file must be sound, both read straight from disk after the crash and through the restarted relay.
     */
    @Test
    @Order(4)
    void relayKilledDuringConsoleWritesKeepsEveryAcknowledgedOneAndASoundDatabase() throws Exception {
        lab.console("admin", "user add mallory '" + lab.pub("mallory").strip() + "'");
        AtomicBoolean go = new AtomicBoolean(true);
        List<String> acknowledged = new CopyOnWriteArrayList<>();
        List<Thread> writers = new ArrayList<>();
        for (String writer : List.of("grant alice", "grant mallory", "token create")) {
            writers.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; go.get(); i++) {
                    String name = "crash-" + writer.replaceAll("\\W", "") + "-" + i;
                    try {
                        if (lab.console("admin", writer + " " + name).exit() == 0) {
                            acknowledged.add(writer + " " + name);
                        }
                    } catch (Exception | AssertionError e) {
                        // the relay is gone: this write was never acknowledged
                    }
                }
            }));
        }
        while (acknowledged.size() < 30) {
            Thread.sleep(20); // letting the writers run; they are what is measured
        }
        lab.relay().kill();
        go.set(false);
        for (Thread t : writers) {
            t.join(Duration.ofSeconds(40));
        }
        int acked = acknowledged.size(); // a command can only answer while its relay lives

        // Straight from the files the dead relay left: the WAL holds what was committed.
        Path db = lab.dir.resolve("relay").resolve("state.db");
        List<String> onDisk = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            try (ResultSet rs = st.executeQuery("SELECT 'grant ' || user_name || ' ' || device_pattern FROM grants"
                    + " UNION ALL SELECT 'token create ' || device_name FROM enrollment_tokens")) {
                while (rs.next()) {
                    onDisk.add(rs.getString(1));
                }
            }
        }
        System.out.printf(
                "relay kill -9 among console writes: %d acknowledged, all on disk; integrity_check ok%n", acked);
        assertThat(onDisk).containsAll(acknowledged);

        lab.startRelay();
        lab.awaitOnline("pi-kitchen", Duration.ofSeconds(10));
        Ssh.Result grants = lab.console("admin", "grants alice");
        assertThat(grants.exit()).isZero();
        acknowledged.stream()
                .filter(a -> a.startsWith("grant alice "))
                .forEach(a -> assertThat(grants.out()).contains(a.substring("grant alice ".length())));
        assertThat(lab.ssh("alice", "pi-kitchen", "echo intact", null, Duration.ofSeconds(30))
                        .out())
                .isEqualTo("intact\n");
    }
}

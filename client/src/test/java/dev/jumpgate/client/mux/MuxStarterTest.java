package dev.jumpgate.client.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.jumpgate.client.ClientConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MuxStarterTest {

    private static final Instant FAILED_AT = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path tmp;

    private Map<String, String> env;
    private MuxSocket where;
    private Path starts;
    private Path release;

    @BeforeEach
    void setUp() throws IOException {
        env = Map.of(
                "XDG_RUNTIME_DIR",
                tmp.toString(),
                "XDG_CONFIG_HOME",
                tmp.resolve("config").toString());
        Files.createDirectories(ClientConfig.dir(env));
        Files.writeString(ClientConfig.file(env), "user=alice\nrelay=relay.example.com\\:2222\n");
        where = MuxSocket.current(env).orElseThrow();
        starts = tmp.resolve("starts");
        release = tmp.resolve("release");
    }

    @AfterEach
    void releaseTheMuxes() throws IOException {
        Files.writeString(release, "");
    }

    /**
     * Stands in for the jumpgate command line: notes each start under {@code tag}, then runs until the test ends,
     * as a mux logging in takes its time. It also ends when the test's directory is gone (its cleanup can beat the
     * loop to the release file) and after 60 s at most, so that no test leaves a process behind.
     */
    private List<String> mux(String tag) {
        return List.of(
                "/bin/sh",
                "-c",
                "echo \"$0\" >> '" + starts + "'; i=0; while [ ! -e '" + release + "' ] && [ -d '" + tmp
                        + "' ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done",
                tag);
    }

    private List<String> started() throws IOException {
        return Files.exists(starts) ? Files.readAllLines(starts) : List.of();
    }

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    @Test
    void aProxyStartsAMuxForLaterOnesWithoutWaitingForIt() throws Exception {
        assertThat(MuxStarter.dial(env)).as("none runs yet").isEmpty();
        // The mux runs until the test ends: a start that waited for it would never return.
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(30), () -> MuxStarter.startFor(env, mux("allowed"))))
                .isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> started().equals(List.of("allowed")));
    }

    @Test
    void whileAMuxHoldsTheLoginsLockNoOtherIsStarted() throws Exception {
        where.secureDir();
        // Another process, as a starting mux is: the lock is a POSIX record lock, held per process.
        Path holder = tmp.resolve("Hold.java");
        Files.writeString(holder, """
                import java.nio.channels.FileChannel; import java.nio.file.*;
                class Hold { public static void main(String[] a) throws Exception {
                    var ch = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    var lock = ch.lock();
                    System.out.println("locked");
                    System.out.flush();
                    Thread.sleep(60_000);
                } }
                """);
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process hold = new ProcessBuilder(java, holder.toString(), where.lock().toString())
                .redirectErrorStream(true)
                .start();
        try {
            assertThat(new String(hold.getInputStream().readNBytes(7))).isEqualTo("locked\n");
            for (int i = 0; i < 3; i++) {
                assertThat(MuxStarter.startFor(env, mux("refused"))).isFalse();
            }
        } finally {
            hold.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(MuxStarter.startFor(env, mux("allowed"))).isTrue();
        // Only the start after the lock's release ran: any refused one would have noted itself as well.
        await().atMost(Duration.ofSeconds(30)).until(() -> started().contains("allowed"));
        assertThat(started()).containsExactly("allowed");
    }

    @Test
    void afterAMuxFailedNoneIsStartedUntilTheRetryPeriodIsOver() throws Exception {
        where.secureDir();
        MuxStarter.markFailed(where, at(FAILED_AT));
        Instant retry = FAILED_AT.plus(MuxStarter.RETRY_AFTER);
        assertThat(MuxStarter.retryAt(where, at(FAILED_AT))).contains(retry);
        assertThat(MuxStarter.startFor(env, mux("refused"), at(FAILED_AT))).isFalse();
        assertThat(MuxStarter.startFor(env, mux("refused"), at(retry.minusMillis(1))))
                .isFalse();

        assertThat(MuxStarter.retryAt(where, at(retry))).isEmpty();
        assertThat(MuxStarter.startFor(env, mux("allowed"), at(retry))).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> started().contains("allowed"));
        assertThat(started()).containsExactly("allowed");
    }

    @Test
    void aFailureMarkedNowHoldsOffStartsForTheRetryPeriod() throws Exception {
        where.secureDir();
        Instant before = Instant.now();
        MuxStarter.markFailed(where);
        assertThat(MuxStarter.retryAt(where))
                .hasValueSatisfying(at -> assertThat(at)
                        .isBetween(
                                before.plus(MuxStarter.RETRY_AFTER).minusSeconds(1),
                                Instant.now().plus(MuxStarter.RETRY_AFTER)));
    }
}

package dev.jumpgate.client.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jumpgate.client.ClientConfig;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.HostPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MuxStarterTest {

    private static final ClientConfig LOGIN = new ClientConfig("alice", "relay.example.com:2222",
            HostPort.parse("relay.example.com:443"), Fingerprint.of(new byte[] {1, 2, 3}), Optional.empty());

    @TempDir
    Path tmp;

    private Map<String, String> env;
    private MuxSocket where;
    private Path starts;
    /** Stands in for the jumpgate command line: notes each start, then takes its time, as a mux logging in does. */
    private List<String> slowMux;

    @BeforeEach
    void setUp() throws IOException {
        env = Map.of("XDG_RUNTIME_DIR", tmp.toString());
        where = MuxSocket.current(LOGIN, env).orElseThrow();
        starts = tmp.resolve("starts");
        slowMux = List.of("/bin/sh", "-c", "echo started >> '" + starts + "'; sleep 2", "sh");
    }

    private long startCount() throws IOException {
        return Files.exists(starts) ? Files.readAllLines(starts).size() : 0;
    }

    @Test
    void aProxyStartsAMuxForLaterOnesWithoutWaitingForIt() throws Exception {
        assertThat(MuxStarter.dial(LOGIN, env)).as("none runs yet").isEmpty();
        long t0 = System.nanoTime();
        assertThat(MuxStarter.startFor(LOGIN, env, slowMux)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> startCount() == 1);
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
                .redirectErrorStream(true).start();
        try {
            assertThat(new String(hold.getInputStream().readNBytes(7))).isEqualTo("locked\n");
            for (int i = 0; i < 3; i++) {
                assertThat(MuxStarter.startFor(LOGIN, env, slowMux)).isFalse();
            }
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> startCount() == 0);
        } finally {
            hold.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(MuxStarter.startFor(LOGIN, env, slowMux)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> startCount() == 1);
    }

    @Test
    void afterAMuxFailedNoneIsStartedUntilTheRetryPeriodIsOver() throws Exception {
        where.secureDir();
        MuxStarter.markFailed(where);
        assertThat(MuxStarter.retryAt(where)).isPresent();
        for (int i = 0; i < 3; i++) {
            assertThat(MuxStarter.startFor(LOGIN, env, slowMux)).isFalse();
        }
        await("no start while the failure is recent").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> startCount() == 0);

        Files.setLastModifiedTime(where.failed(),
                FileTime.from(Instant.now().minus(MuxStarter.RETRY_AFTER).minusSeconds(1)));
        assertThat(MuxStarter.retryAt(where)).isEmpty();
        assertThat(MuxStarter.startFor(LOGIN, env, slowMux)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> startCount() == 1);
    }
}

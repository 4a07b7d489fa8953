package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Concurrent sessions push random bytes to the device, which hashes what it received and sends it back, half with
 * {@code ssh -J} and half through {@code jumpgate proxy}: every byte must arrive at the device and come back, in
 * order, in every session, checked by SHA-256 at both ends. Meanwhile two interactive sessions time 1-byte echoes,
 * before the load and under it.
 *
 * <p>The default suite runs 10 sessions × 16 MiB; {@code scripts/soak} runs the same test at 50 × 200 MiB
 * through the properties below (docs/RELIABILITY.md). Nothing is written to disk: each session's bytes come from a
 * seeded generator and are hashed as they pass.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // scripts/soak turns this off and bounds the run by LIMIT instead
class IntegrityUnderLoadTest {

    static final int SESSIONS = Integer.getInteger("jumpgate.integrity.sessions", 10);
    static final long BYTES = Long.getLong("jumpgate.integrity.mib", 16) * 1024 * 1024;
    static final Duration LIMIT = Duration.ofMinutes(Long.getLong("jumpgate.integrity.minutes", 4));
    static final int QUIET_SAMPLES = 300;
    /** The device's side: tee sends every byte back and into sha256sum, whose line goes to stderr. */
    static final String HASHING_ECHO =
            "f=$(mktemp -u) && mkfifo \"$f\" && { sha256sum < \"$f\" >&2 & tee \"$f\";" + " wait; rm -f \"$f\"; }";

    private static final Pattern DEVICE_SUM = Pattern.compile("^([0-9a-f]{64}) {2}-$", Pattern.MULTILINE);
    /** One thread per writer and reader: the common pool has one thread on two cores and would serialise them. */
    private static final ExecutorService THREADS = Executors.newCachedThreadPool();

    private record Sums(String sent, String atDevice, String received, long receivedBytes) {}

    @Test
    void concurrentSessionsLoseNothingAndReorderNothingBothWays() throws Exception {
        Instant deadline = Instant.now().plus(LIMIT);
        try (Lab lab = new Lab(Lab.workDir(getClass()))) {
            lab.addDevice("pi-kitchen");
            Path jumpgate = lab.loggedInClient();
            Path logs = Files.createDirectories(lab.dir.resolve("logs"));
            List<EchoLatency> typing = List.of(
                    EchoLatency.start(
                            "ssh -J", lab.sshArgs("admin", "pi-kitchen", "cat"), logs.resolve("typing-0.err")),
                    EchoLatency.start(
                            "jumpgate proxy",
                            lab.proxyArgs(jumpgate, "admin", "pi-kitchen", "cat"),
                            logs.resolve("typing-1.err")));
            List<EchoLatency.Stats> quiet = new ArrayList<>();
            for (EchoLatency t : typing) {
                quiet.add(t.sample(QUIET_SAMPLES));
            }

            long started = System.nanoTime();
            List<Future<Sums>> sessions = new ArrayList<>();
            ExecutorCompletionService<Sums> finished = new ExecutorCompletionService<>(THREADS);
            Map<Future<Sums>, Integer> index = new ConcurrentHashMap<>();
            for (int i = 0; i < SESSIONS; i++) {
                List<String> cmd = i % 2 == 1
                        ? lab.proxyArgs(jumpgate, "admin", "pi-kitchen", HASHING_ECHO)
                        : lab.sshArgs("admin", "pi-kitchen", HASHING_ECHO);
                // Dozens of clients start at once on a busy machine: give each more than ssh's usual 15 s to
                // reach the device's banner.
                cmd.addAll(1, List.of("-o", "ConnectTimeout=120"));
                int seed = i;
                Future<Sums> f = finished.submit(() -> echo(cmd, seed, logs.resolve("bulk-" + seed + ".err")));
                index.put(f, i);
                sessions.add(f);
            }
            List<Future<EchoLatency.Stats>> loaded = new ArrayList<>();
            for (EchoLatency t : typing) {
                loaded.add(THREADS.submit(
                        () -> t.sampleWhile(() -> !sessions.stream().allMatch(Future::isDone))));
            }
            for (int n = 0; n < SESSIONS; n++) { // in the order they finish, so the first failure ends the test
                Future<Sums> done = finished.poll(remaining(deadline), TimeUnit.MILLISECONDS);
                assertThat(done).as("every session finished within %s", LIMIT).isNotNull();
                int i = index.get(done);
                Sums sums = done.get();
                String how = i % 2 == 1 ? "jumpgate proxy" : "ssh -J";
                assertThat(sums.receivedBytes())
                        .as("session %d (%s): bytes echoed", i, how)
                        .isEqualTo(BYTES);
                assertThat(sums.atDevice())
                        .as("session %d (%s): what the device received", i, how)
                        .isEqualTo(sums.sent());
                assertThat(sums.received())
                        .as("session %d (%s): what came back", i, how)
                        .isEqualTo(sums.sent());
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            List<String> figures = new ArrayList<>(List.of("%d sessions × %d MiB each way in %.1f s: %.1f MB/s each way"
                    .formatted(SESSIONS, BYTES >> 20, seconds, SESSIONS * BYTES / seconds / 1e6)));
            List<EchoLatency.Stats> underLoad = new ArrayList<>();
            for (int i = 0; i < typing.size(); i++) {
                underLoad.add(loaded.get(i).get(remaining(deadline), TimeUnit.MILLISECONDS));
                figures.add("1-byte echo, " + typing.get(i).name() + ": quiet " + quiet.get(i) + "; under load "
                        + underLoad.get(i));
                typing.get(i).close();
            }
            // The figures first: a run that breaks the latency bound below is still worth reading.
            Files.write(lab.dir.resolve("figures.txt"), figures);
            figures.forEach(System.out::println);
            for (int i = 0; i < typing.size(); i++) {
                // Liveness, not speed: a typing user's byte must not wait behind the bulk sessions for seconds.
                assertThat(underLoad.get(i).max())
                        .as("%s: slowest echo under load, ms", typing.get(i).name())
                        .isLessThan(5_000);
            }
        }
    }

    private static long remaining(Instant deadline) {
        return Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
    }

    /** Sends BYTES seeded random bytes through {@code cmd} (the hashing echo) and reads them back, hashing both. */
    private static Sums echo(List<String> cmd, int seed, Path err) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        CompletableFuture<Void> writer = CompletableFuture.runAsync(
                () -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    byte[] chunk = new byte[64 * 1024];
                    ByteBuffer longs = ByteBuffer.wrap(chunk);
                    try (OutputStream in = p.getOutputStream()) {
                        for (long left = BYTES; left > 0; left -= chunk.length) {
                            for (int at = 0; at < chunk.length; at += Long.BYTES) {
                                longs.putLong(
                                        at, r.nextLong()); // eight bytes a call: Random.nextBytes would cost more CPU
                            }
                            int n = (int) Math.min(left, chunk.length);
                            sent.update(chunk, 0, n);
                            in.write(chunk, 0, n);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                THREADS);
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (InputStream out = p.getInputStream()) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = out.read(buf)) >= 0; ) {
                received.update(buf, 0, n);
                total += n;
            }
        }
        p.waitFor(1, TimeUnit.MINUTES);
        try {
            writer.get(1, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw new AssertionError(
                    "session " + seed + " stopped taking bytes; ssh said: " + Files.readString(err), e);
        }
        Matcher atDevice = DEVICE_SUM.matcher(Files.readString(err));
        return new Sums(
                HexFormat.of().formatHex(sent.digest()),
                atDevice.find() ? atDevice.group(1) : "no sum from the device; ssh said: " + Files.readString(err),
                HexFormat.of().formatHex(received.digest()),
                total);
    }
}

package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients that stop reading while the device keeps writing: the hop {@code ssh -J} makes ({@code ssh -W}, whose
 * stdout nobody reads), {@code jumpgate proxy} with its stdout unread, and a whole {@code ssh -J} session whose
 * output nobody reads. Backpressure must reach the device's writer through agent and relay, so neither process
 * grows; other sessions on the same link keep their speed; and when the stuck clients read again, every byte
 * arrives. Figures in docs/RELIABILITY.md.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StuckReaderTest {

    static final long FLOOD_BYTES = 32L * 1024 * 1024;
    static final Duration HOLD = Duration.ofSeconds(Long.getLong("jumpgate.stuck.hold-seconds", 15));
    static final int ROUNDS = 2;
    /**
     * Stuck streams on one link whose unread bytes at the relay (up to a window each) are more than half of a
     * 32 MiB link window: enough to stop every other session of the device if the link's window were a budget
     * the streams shared.
     */
    static final int STUCK_HOPS = Integer.getInteger("jumpgate.stuck.hops", 24);

    static final long MIB = 1024 * 1024;
    /** HTTP/2 stream window ({@code LinkSettings.STREAM_WINDOW}); MINA's and OpenSSH's channel windows are the same. */
    static final long WINDOW = 2 * MIB;
    /**
     * What the relay may hold for one stuck stream: the device stream's unconsumed window, and the batch read from
     * it that waits for the client's window with what queues behind it (256 KiB and one read, at most 1 MiB).
     */
    static final long RELAY_PER_STUCK = 2 * WINDOW;
    /** For GC timing, allocator chunks and JIT: what a process may move by with nothing stuck at all. */
    static final long NOISE = 24 * MIB;

    private static final ExecutorService THREADS = Executors.newCachedThreadPool();

    private record Footprint(long relayRssKib, long relayHeapKib, long agentRssKib, long agentHeapKib) {

        static Footprint of(Proc relay, Proc agent) throws Exception {
            return new Footprint(relay.rssKib(), relay.heapAfterGcKib(), agent.rssKib(), agent.heapAfterGcKib());
        }

        @Override
        public String toString() {
            return "relay RSS %d MiB, heap after GC %.1f MiB; agent RSS %d MiB, heap after GC %.1f MiB"
                    .formatted(relayRssKib >> 10, relayHeapKib / 1024.0, agentRssKib >> 10, agentHeapKib / 1024.0);
        }
    }

    private record Stuck(String how, Process process, int connection) {}

    @Test
    void stuckClientsHoldBoundedMemoryKeepNeighboursMovingAndLoseNothing() throws Exception {
        try (Lab lab = new Lab(Lab.workDir(getClass()));
                Flood flood = Flood.start(FLOOD_BYTES)) {
            Proc agent = lab.addDevice("pi-kitchen", "--allow", "127.0.0.1:" + flood.port());
            Path jumpgate = lab.loggedInClient();
            Path logs = lab.dir.resolve("logs");
            String expected = flood.sha256();
            String target = "pi-kitchen:" + flood.port();
            List<String> viaSsh = List.of("ssh", "-F", lab.config().toString(), "-W", target, "relay-admin");
            List<String> viaProxy = List.of(jumpgate.toString(), "proxy", "pi-kitchen", String.valueOf(flood.port()));

            Neighbours alone = Neighbours.measure(viaSsh, viaProxy, flood, expected, logs, 1 + ROUNDS);
            Footprint before = Footprint.of(lab.relay(), agent);

            List<Stuck> stuck = new ArrayList<>();
            stuck.add(stick(
                    "ssh -J session",
                    lab.sshArgs(
                            "admin",
                            "pi-kitchen",
                            "bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + flood.port() + " && exec cat <&3'"),
                    flood,
                    logs));
            stuck.add(stick("jumpgate proxy", viaProxy, flood, logs));
            for (int i = 0; i < STUCK_HOPS; i++) {
                stuck.add(stick("ssh -W #" + i + " (the hop of ssh -J)", viaSsh, flood, logs));
            }
            long[] last = {-1};
            Awaitility.await("the device's writer stops: pushed back through agent and relay")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        long now = aheadOfReaders(flood, stuck);
                        boolean steady = now == last[0];
                        last[0] = now;
                        return steady;
                    });
            long ahead = aheadOfReaders(flood, stuck);
            Footprint stuckNow = Footprint.of(lab.relay(), agent);

            Neighbours beside = Neighbours.measure(viaSsh, viaProxy, flood, expected, logs, ROUNDS);
            Awaitility.await("the writer stays stopped for " + HOLD)
                    .during(HOLD)
                    .atMost(HOLD.plusSeconds(10))
                    .until(() -> aheadOfReaders(flood, stuck) == ahead);
            Footprint held = Footprint.of(lab.relay(), agent);

            List<String> figures = new ArrayList<>();
            figures.add("before: " + before);
            figures.add("stuck:  " + stuckNow);
            figures.add("held %d s more: %s".formatted(HOLD.toSeconds(), held));
            for (Stuck s : stuck) {
                figures.add("%s: the device wrote %.1f MiB the client did not read"
                        .formatted(s.how(), flood.written(s.connection()) / (double) MIB));
            }
            figures.add("neighbour ssh -W: alone %.0f MB/s, beside the stuck ones %.0f MB/s (factor %.2f)"
                    .formatted(alone.ssh(), beside.ssh(), alone.ssh() / beside.ssh()));
            figures.add("neighbour jumpgate proxy: alone %.0f MB/s, beside the stuck ones %.0f MB/s (factor %.2f)"
                    .formatted(alone.proxy(), beside.proxy(), alone.proxy() / beside.proxy()));
            Files.write(lab.dir.resolve("figures.txt"), figures);
            figures.forEach(System.out::println);

            // Each stuck chain may fill what the kernel lets one socket pair buffer, plus the windows on the way.
            long kernel = procMax("/proc/sys/net/ipv4/tcp_rmem") + procMax("/proc/sys/net/ipv4/tcp_wmem");
            for (Stuck s : stuck) {
                assertThat(flood.written(s.connection()))
                        .as("%s: bytes the device wrote ahead of its reader", s.how())
                        .isLessThan(FLOOD_BYTES / 2)
                        .isLessThanOrEqualTo(kernel + 3 * WINDOW + MIB);
            }
            long relayBound = ((STUCK_HOPS + 1) * RELAY_PER_STUCK + NOISE) >> 10;
            assertThat(held.relayHeapKib() - before.relayHeapKib())
                    .as("relay heap growth, KiB")
                    .isLessThan(relayBound);
            assertThat(held.relayRssKib() - before.relayRssKib())
                    .as("relay RSS growth, KiB")
                    .isLessThan(relayBound);
            // The agent reads a socket only when its stream can take the bytes: one read (64 KiB) per stuck stream.
            long agentBound = NOISE >> 10;
            assertThat(held.agentHeapKib() - before.agentHeapKib())
                    .as("agent heap growth, KiB")
                    .isLessThan(agentBound);
            assertThat(held.agentRssKib() - before.agentRssKib())
                    .as("agent RSS growth, KiB")
                    .isLessThan(agentBound);
            // A stuck stream costs its neighbours nothing once its windows are full; blocking the link would stop
            // them altogether. Half the speed is left for the noise of a shared machine.
            assertThat(beside.ssh())
                    .as("neighbour ssh -W MB/s beside stuck readers")
                    .isGreaterThan(alone.ssh() / 2);
            assertThat(beside.proxy())
                    .as("neighbour proxy MB/s beside stuck readers")
                    .isGreaterThan(alone.proxy() / 2);

            List<Future<Flood.Received>> resumed = new ArrayList<>();
            for (Stuck s : stuck) {
                resumed.add(THREADS.submit(() -> Flood.drain(s.process().getInputStream())));
            }
            for (int i = 0; i < stuck.size(); i++) {
                Stuck s = stuck.get(i);
                Flood.Received r = resumed.get(i).get(2, TimeUnit.MINUTES);
                assertThat(r.bytes())
                        .as("%s: bytes after it read again", s.how())
                        .isEqualTo(FLOOD_BYTES);
                assertThat(r.sha256())
                        .as("%s: what arrived after it read again", s.how())
                        .isEqualTo(expected);
                s.process().getOutputStream().close();
                s.process().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Best MB/s of {@code rounds} downloads of the flood by each kind of client (the first round warms up). */
    private record Neighbours(double ssh, double proxy) {

        static Neighbours measure(
                List<String> viaSsh, List<String> viaProxy, Flood flood, String expected, Path logs, int rounds)
                throws Exception {
            double ssh = 0;
            double proxy = 0;
            for (int i = 0; i < rounds; i++) {
                ssh = Math.max(ssh, download(viaSsh, flood, expected, logs));
                proxy = Math.max(proxy, download(viaProxy, flood, expected, logs));
            }
            return new Neighbours(ssh, proxy);
        }

        private static double download(List<String> cmd, Flood flood, String expected, Path logs) throws Exception {
            Process p = new ProcessBuilder(cmd)
                    .redirectError(logs.resolve("neighbour.err").toFile())
                    .start();
            Flood.Received r = within(Duration.ofSeconds(60), p, () -> Flood.drain(p.getInputStream()));
            p.getOutputStream().close();
            p.waitFor(30, TimeUnit.SECONDS);
            assertThat(r.bytes())
                    .as("neighbour %s: bytes; it said %s", cmd.get(0), Files.readString(logs.resolve("neighbour.err")))
                    .isEqualTo(flood.length());
            assertThat(r.sha256()).as("neighbour %s: what arrived", cmd.get(0)).isEqualTo(expected);
            return r.mbPerSecond();
        }
    }

    /** Starts a client that never reads its stdout (nor closes its stdin) and waits for its connection. */
    private static Stuck stick(String how, List<String> cmd, Flood flood, Path logs) throws Exception {
        int connection = flood.connections();
        Process p = new ProcessBuilder(cmd)
                .redirectError(logs.resolve("stuck-" + connection + ".err").toFile())
                .start();
        Awaitility.await(how + " reaches the device")
                .atMost(Duration.ofSeconds(30))
                .until(() -> flood.connections() > connection);
        return new Stuck(how, p, connection);
    }

    private static long aheadOfReaders(Flood flood, List<Stuck> stuck) {
        return stuck.stream().mapToLong(s -> flood.written(s.connection())).sum();
    }

    private static long procMax(String file) throws Exception {
        // Files.readString trusts the size /proc reports (0) and returns a prefix; read the lines instead.
        String[] v = Files.readAllLines(Path.of(file)).getFirst().trim().split("\\s+");
        return Long.parseLong(v[v.length - 1]);
    }

    private static <T> T within(Duration limit, Process p, Callable<T> work) throws Exception {
        Future<T> f = THREADS.submit(work);
        try {
            return f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            p.destroyForcibly();
            throw new AssertionError(p.info().commandLine().orElse("client") + " did not finish within " + limit);
        }
    }
}

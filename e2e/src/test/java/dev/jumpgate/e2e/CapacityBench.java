package dev.jumpgate.e2e;

import dev.jumpgate.agent.AgentState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * How many idle agent links one relay holds and what each costs; run by {@code bench/capacity [LINKS]}.
 *
 * <p>A relay started as users start it ({@code jumpgate relay}, the launcher's JVM options), one real agent
 * process in front of a real sshd, and LINKS simulated agents ({@link SimulatedAgents}), each enrolled with a
 * token of its own. It measures the relay idle, then holding every link (heap after a full collection, RSS, fds),
 * proves a real {@code ssh -J} session and a stream to a simulated agent while it holds them, restarts the relay
 * and times until every agent has linked again through its own backoff. Results as key=value.
 */
final class CapacityBench {

    private static final Pattern ONLINE = Pattern.compile("device \\S+ online from ");
    private static final Pattern OFFLINE = Pattern.compile("device \\S+ offline$", Pattern.MULTILINE);

    static final int TOKENS_PER_COMMAND = 1000;
    private static final Duration RELINK_LIMIT = Duration.ofMinutes(10);

    private final Results results;

    private CapacityBench(Path out) {
        this.results = new Results(out);
    }

    public static void main(String[] args) throws Exception {
        int links = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path root = Path.of(System.getProperty("jumpgate.root", "."))
                .toAbsolutePath()
                .normalize();
        Path out = args.length > 1 ? Path.of(args[1]) : root.resolve("bench/results/capacity-latest.txt");
        new CapacityBench(out).run(root, links);
        System.exit(0);
    }

    static String deviceName(int i) {
        return String.format(Locale.ROOT, "sim-%05d", i);
    }

    /** Tokens for sim-00001 .. sim-COUNT through the relay's console, a thousand per command. */
    static List<SimulatedAgents.Issued> tokens(Lab lab, int count) throws Exception {
        List<SimulatedAgents.Issued> issued = new ArrayList<>();
        for (int from = 1; from <= count; from += TOKENS_PER_COMMAND) {
            String names = IntStream.rangeClosed(from, Math.min(count, from + TOKENS_PER_COMMAND - 1))
                    .mapToObj(CapacityBench::deviceName)
                    .collect(Collectors.joining(" "));
            Ssh.Result r = lab.console("admin", "token create " + names + " --ttl 3h");
            if (r.exit() != 0) {
                throw new IllegalStateException("token create failed: " + r.err());
            }
            issued.addAll(SimulatedAgents.parse(r.out()));
        }
        return issued;
    }

    /**
     * Devices linked to {@code relay} now, by its own log: every "online" line less every "offline" one. A link
     * replaced by the same device's newer one logs no "offline", so this may count high, never low.
     */
    static int linkedByLog(Proc relay) throws IOException {
        String log = relay.stderr();
        return count(ONLINE, log) - count(OFFLINE, log);
    }

    private static int count(Pattern p, String text) {
        Matcher m = p.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** Waits until the relay's log says {@code want} devices are linked; returns how many it saw. */
    static int awaitLinked(Proc relay, int want, Duration limit) throws Exception {
        Instant end = Instant.now().plus(limit);
        int seen = linkedByLog(relay);
        while (seen < want && Instant.now().isBefore(end)) {
            Thread.sleep(250);
            seen = linkedByLog(relay);
        }
        return seen;
    }

    /** {@code ssh -J} to the real device; returns its time in ms, or fails. */
    static long jump(Lab lab, String device) throws Exception {
        long t = System.nanoTime();
        Ssh.Result r = lab.ssh("admin", device, "echo jumped", null, Duration.ofSeconds(120));
        if (!r.out().equals("jumped\n")) {
            throw new IllegalStateException("ssh -J " + device + " failed (" + r.exit() + "): " + r.err());
        }
        return (System.nanoTime() - t) / 1_000_000;
    }

    /** A stream through the bastion to a simulated agent's echo port ({@code ssh -W}); returns its time in ms. */
    static long echo(Lab lab, String device, int port, int bytes) throws Exception {
        byte[] raw = new byte[bytes * 3 / 4];
        new Random(bytes).nextBytes(raw);
        String data = Base64.getEncoder().encodeToString(raw);
        long t = System.nanoTime();
        Ssh.Result r =
                lab.forward("admin", device, port, data.getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(120));
        if (!r.out().equals(data)) {
            throw new IllegalStateException("echo through " + device + " failed (exit " + r.exit() + ", "
                    + r.out().length() + " of " + data.length() + " bytes back): " + r.err());
        }
        return (System.nanoTime() - t) / 1_000_000;
    }

    private void run(Path root, int links) throws Exception {
        put("date", Instant.now().toString());
        put("links", links);
        Path work = Lab.workDir(CapacityBench.class);
        try (Lab lab = new Lab(work, List.of(root.resolve("jumpgate").toString()), SimulatedAgents.RELAY_ARGS);
                SimulatedAgents sims = new SimulatedAgents()) {
            lab.addDevice("pi-real");
            long t = System.nanoTime();
            List<SimulatedAgents.Issued> issued = tokens(lab, links);
            put("tokens_s", seconds(t));
            t = System.nanoTime();
            List<AgentState> states = sims.enroll(issued, work.resolve("sim-agents"), 32);
            put("enroll_s", seconds(t));
            progress("enrolled " + states.size() + " in " + results.get("enroll_s") + " s");
            try (MeasureLock lock = MeasureLock.take()) {
                measure(lab, sims, states, links);
            }
        } finally {
            write();
        }
    }

    /** Everything timed or sampled, from a freshly started relay that knows every device. */
    private void measure(Lab lab, SimulatedAgents sims, List<AgentState> states, int links) throws Exception {
        put("load_start", JvmMeter.loadAverage());
        lab.relay().close();
        lab.startRelay();
        CapacityBench.awaitLinked(lab.relay(), 1, RELINK_LIMIT);
        jump(lab, "pi-real");
        long pid = lab.relay().pid();
        JvmMeter.Sample idle = JvmMeter.sample(pid);
        sample("idle", idle);

        long t = System.nanoTime();
        states.forEach(sims::start);
        int linked = awaitLinked(lab.relay(), links + 1, RELINK_LIMIT);
        put("link_all_s", seconds(t));
        put("linked", linked);
        progress("linked " + linked + " in " + results.get("link_all_s") + " s");
        Thread.sleep(30_000); // a few PINGs each way, so the idle state is what is measured
        JvmMeter.Sample full = JvmMeter.sample(pid);
        sample("held", full);
        put("heap_per_link_bytes", (full.heapKib() - idle.heapKib()) * 1024 / links);
        put("rss_per_link_bytes", (full.rssKib() - idle.rssKib()) * 1024 / links);
        Path histogram = lab.dir.resolve("histogram-held.txt");
        Files.writeString(histogram, JvmMeter.histogram(pid, 45));
        put("histogram", histogram);
        put("jump_while_held_ms", jump(lab, "pi-real"));
        put("echo_while_held_ms", echo(lab, deviceName(links), sims.echoPort(), 64 * 1024));
        put("load_held", JvmMeter.loadAverage());

        t = System.nanoTime();
        lab.relay().close();
        long stopped = System.nanoTime();
        lab.startRelay();
        put("restart_stop_s", String.format(Locale.ROOT, "%.1f", (stopped - t) / 1e9));
        put("restart_start_s", seconds(stopped));
        long ready = System.nanoTime();
        linked = awaitLinked(lab.relay(), links + 1, RELINK_LIMIT);
        put("relinked", linked);
        put("relink_all_s", seconds(t));
        put("relink_after_ready_s", seconds(ready));
        progress("relinked " + linked + " in " + results.get("relink_all_s") + " s after the stop");
        put("load_relinked", JvmMeter.loadAverage());
        Thread.sleep(30_000);
        sample("relinked", JvmMeter.sample(lab.relay().pid()));
        put("jump_after_restart_ms", jump(lab, "pi-real"));
        put("echo_after_restart_ms", echo(lab, deviceName(1), sims.echoPort(), 64 * 1024));
        long online = lab.console("admin", "devices")
                .out()
                .lines()
                .filter(l -> l.contains(" online "))
                .count();
        put("online_by_console", online);
        put("agents_gave_up", sims.gaveUp.size());
        put("load_end", JvmMeter.loadAverage());
        boolean ok = linked >= links + 1 && online == links + 1 && sims.gaveUp.isEmpty();
        put("result", ok ? "PASS" : "FAIL");
    }

    private void sample(String when, JvmMeter.Sample s) throws Exception {
        put(when + "_heap_kib", s.heapKib());
        put(when + "_rss_kib", s.rssKib());
        put(when + "_fds", s.fds());
        put(when + "_threads", s.threads());
        progress(when + ": " + s.describe());
    }

    private void put(String key, Object value) throws Exception {
        results.put(key, value);
    }

    private void write() throws Exception {
        results.write();
    }

    static String seconds(long sinceNanos) {
        return String.format(Locale.ROOT, "%.1f", (System.nanoTime() - sinceNanos) / 1e9);
    }

    static void progress(String line) {
        System.err.println("[capacity " + LocalTime.now().withNano(0) + "] " + line);
    }
}

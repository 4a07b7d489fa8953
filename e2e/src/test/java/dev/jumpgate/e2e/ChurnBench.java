package dev.jumpgate.e2e;

import dev.jumpgate.agent.AgentState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * Does a relay stay flat while agents and sessions come and go? Run by {@code bench/churn [MINUTES] [POOL]}.
 *
 * <p>POOL simulated agents are enrolled; half are linked at any time. Every second {@link #SWAPS} linked agents
 * leave (their link closed, as {@code agent run} does on exit) and as many others link. Two workers open
 * sessions one after another ({@code ssh -W} through the bastion to a simulated agent's echo port, 16 KiB each
 * way, checked), to agents that stay linked throughout; each sample also makes a real {@code ssh -J} to a real
 * agent and sshd. Every {@link #EVERY} the relay's heap after a full collection, RSS and open fds are sampled.
 *
 * <p>Verdict: the samples of the first fifth are warm-up; of the rest, the mean of the last third must be within
 * 10% of the first third's for heap and within 5% for fds, and no session may fail.
 */
final class ChurnBench {

    static final int SWAPS = 5;
    static final Duration EVERY = Duration.ofSeconds(15);
    /** Devices sessions go to; never churned, so a session fails only if the relay fails it. */
    static final int STEADY = 50;

    private final Results results;
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong sessionFailures = new AtomicLong();
    private final AtomicLong swaps = new AtomicLong();
    private volatile boolean running = true;

    private ChurnBench(Path out) {
        results = new Results(out);
    }

    public static void main(String[] args) throws Exception {
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        int pool = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Path root = Path.of(System.getProperty("jumpgate.root", "."))
                .toAbsolutePath()
                .normalize();
        Path out = args.length > 2 ? Path.of(args[2]) : root.resolve("bench/results/churn-latest.txt");
        new ChurnBench(out).run(root, Duration.ofSeconds((long) (minutes * 60)), pool);
        System.exit(0);
    }

    private void run(Path root, Duration length, int pool) throws Exception {
        results.put("date", Instant.now().toString());
        results.put("minutes", String.format(Locale.ROOT, "%.1f", length.toSeconds() / 60.0));
        results.put("pool", pool);
        Path work = Lab.workDir(ChurnBench.class);
        try (Lab lab = new Lab(work, List.of(root.resolve("jumpgate").toString()), SimulatedAgents.RELAY_ARGS);
                SimulatedAgents sims = new SimulatedAgents()) {
            lab.addDevice("pi-real");
            List<AgentState> states = sims.enroll(CapacityBench.tokens(lab, pool), work.resolve("sim-agents"), 32);
            CapacityBench.progress("enrolled " + states.size());
            try (MeasureLock lock = MeasureLock.take()) {
                soak(lab, sims, states, length);
            }
        } finally {
            results.write();
        }
    }

    private void soak(Lab lab, SimulatedAgents sims, List<AgentState> states, Duration length) throws Exception {
        results.put("load_start", JvmMeter.loadAverage());
        for (AgentState s : states.subList(0, states.size() / 2)) {
            sims.start(s);
        }
        int want = states.size() / 2 + 1;
        if (CapacityBench.awaitLinked(lab.relay(), want, Duration.ofMinutes(5)) < want) {
            throw new IllegalStateException(
                    "only " + CapacityBench.linkedByLog(lab.relay()) + " of " + want + " linked");
        }
        long pid = lab.relay().pid();
        List<JvmMeter.Sample> samples = new ArrayList<>();
        Instant end = Instant.now().plus(length);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            threads.submit(() -> {
                churn(sims, states);
                return null;
            });
            for (int w = 0; w < 2; w++) {
                threads.submit(() -> {
                    sessions(lab, sims);
                    return null;
                });
            }
            try {
                while (Instant.now().isBefore(end)) {
                    Thread.sleep(EVERY.toMillis());
                    JvmMeter.Sample s = JvmMeter.sample(pid);
                    samples.add(s);
                    CapacityBench.jump(lab, "pi-real");
                    CapacityBench.progress(String.format(
                            Locale.ROOT,
                            "%s; %d linked; %d swaps, %d sessions, %d failed",
                            s.describe(),
                            CapacityBench.linkedByLog(lab.relay()),
                            swaps.get(),
                            sessions.get(),
                            sessionFailures.get()));
                    results.put("sample_" + samples.size(), s.heapKib() + " " + s.rssKib() + " " + s.fds());
                }
            } finally {
                running = false;
            }
        }
        results.put("load_end", JvmMeter.loadAverage());
        results.put("swaps", swaps.get());
        results.put("sessions", sessions.get());
        results.put("session_failures", sessionFailures.get());
        verdict(samples);
    }

    private void verdict(List<JvmMeter.Sample> samples) throws Exception {
        List<JvmMeter.Sample> judged = samples.subList(samples.size() / 5, samples.size());
        int third = Math.max(1, judged.size() / 3);
        List<JvmMeter.Sample> first = judged.subList(0, third);
        List<JvmMeter.Sample> last = judged.subList(judged.size() - third, judged.size());
        double heapGrowth = mean(last, JvmMeter.Sample::heapKib) / mean(first, JvmMeter.Sample::heapKib) - 1;
        double fdGrowth = mean(last, JvmMeter.Sample::fds) / mean(first, JvmMeter.Sample::fds) - 1;
        double rssGrowth = mean(last, JvmMeter.Sample::rssKib) / mean(first, JvmMeter.Sample::rssKib) - 1;
        results.put("samples", samples.size());
        results.put("first_sample", samples.get(0).describe());
        results.put("last_sample", samples.get(samples.size() - 1).describe());
        results.put("heap_first_third_kib", Math.round(mean(first, JvmMeter.Sample::heapKib)));
        results.put("heap_last_third_kib", Math.round(mean(last, JvmMeter.Sample::heapKib)));
        results.put("heap_growth_pct", String.format(Locale.ROOT, "%.1f", heapGrowth * 100));
        results.put("fds_first_third", Math.round(mean(first, JvmMeter.Sample::fds)));
        results.put("fds_last_third", Math.round(mean(last, JvmMeter.Sample::fds)));
        results.put("fds_growth_pct", String.format(Locale.ROOT, "%.1f", fdGrowth * 100));
        results.put("rss_growth_pct", String.format(Locale.ROOT, "%.1f", rssGrowth * 100));
        boolean flat = heapGrowth <= 0.10 && fdGrowth <= 0.05 && sessionFailures.get() == 0 && sessions.get() > 0;
        results.put("result", flat ? "PASS" : "FAIL");
    }

    private static double mean(List<JvmMeter.Sample> s, ToLongFunction<JvmMeter.Sample> f) {
        return s.stream().mapToLong(f).average().orElseThrow();
    }

    /** Every second, SWAPS linked agents (never the steady ones) leave and as many unlinked ones link. */
    private void churn(SimulatedAgents sims, List<AgentState> states) throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running) {
            long start = System.nanoTime();
            Set<AgentState> leaving = new HashSet<>();
            while (leaving.size() < SWAPS) {
                leaving.add(pick(sims, states, random, true));
            }
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (AgentState leave : leaving) {
                    AgentState join = pick(sims, states, random, false);
                    threads.submit(() -> {
                        sims.stop(leave.device());
                        return null;
                    });
                    sims.start(join);
                    swaps.incrementAndGet();
                }
            }
            Thread.sleep(Math.max(0, 1000 - (System.nanoTime() - start) / 1_000_000));
        }
    }

    private static AgentState pick(
            SimulatedAgents sims, List<AgentState> states, ThreadLocalRandom random, boolean linked) {
        while (true) {
            AgentState s = states.get(STEADY + random.nextInt(states.size() - STEADY));
            if (sims.isRunning(s.device()) == linked) {
                return s;
            }
        }
    }

    /** Sessions one after another to the steady agents, each checked; a pause of 250 ms between them. */
    private void sessions(Lab lab, SimulatedAgents sims) throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running) {
            String device = CapacityBench.deviceName(1 + random.nextInt(STEADY));
            try {
                CapacityBench.echo(lab, device, sims.echoPort(), 16 * 1024);
            } catch (Exception | AssertionError e) {
                sessionFailures.incrementAndGet();
                CapacityBench.progress("session to " + device + " failed: " + e.getMessage());
            }
            sessions.incrementAndGet();
            Thread.sleep(250);
        }
    }
}

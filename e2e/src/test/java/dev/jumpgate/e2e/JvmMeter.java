package dev.jumpgate.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a JVM process (a relay, an agent) costs, read from outside it: heap in use right after a full collection
 * ({@code jcmd PID GC.run}, then {@code GC.heap_info}), resident memory, open file descriptors and threads from
 * /proc.
 */
final class JvmMeter {

    record Sample(long heapKib, long rssKib, long fds, long threads) {

        String describe() {
            return "heap " + heapKib / 1024 + " MiB, RSS " + rssKib / 1024 + " MiB, " + fds + " fds, " + threads
                    + " threads";
        }
    }

    /**
     * The heap's own lines of GC.heap_info (G1, Serial as JDK 21 and JDK 25 name it, Parallel); Metaspace lines say
     * "used" too.
     */
    private static final Pattern HEAP_USED = Pattern.compile(
            "^\\s*(garbage-first heap|def new generation|tenured generation|DefNew|Tenured|PSYoungGen|ParOldGen)\\b"
                    + ".*?used (\\d+)K",
            Pattern.MULTILINE);

    private JvmMeter() {}

    static Sample sample(long pid) throws IOException, InterruptedException {
        return new Sample(heapAfterGcKib(pid), rssKib(pid), fds(pid), status(pid, "Threads:"));
    }

    /** Java heap in use right after a full collection: what the process still holds on to, without garbage. */
    static long heapAfterGcKib(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        long heap = 0;
        Matcher m = HEAP_USED.matcher(info);
        while (m.find()) {
            heap += Long.parseLong(m.group(2));
        }
        if (heap == 0) {
            throw new IOException("cannot read the heap from GC.heap_info of " + pid + ":\n" + info);
        }
        return heap;
    }

    /** Resident set size, from /proc: what the kernel charges the process, heap or not. */
    static long rssKib(long pid) throws IOException {
        return status(pid, "VmRSS:");
    }

    /** The most resident memory the process ever had (VmHWM): a peak that no sampling can miss. */
    static long peakRssKib(long pid) throws IOException {
        return status(pid, "VmHWM:");
    }

    static long fds(long pid) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return s.count();
        }
    }

    /** The first {@code lines} lines of the class histogram (after a full collection: live objects only). */
    static String histogram(long pid, int lines) throws IOException, InterruptedException {
        return String.join(
                        "\n",
                        jcmd(pid, "GC.class_histogram").lines().limit(lines).toList()) + "\n";
    }

    /** The load average over 1, 5 and 15 minutes, as uptime prints it. */
    static String loadAverage() throws IOException {
        String[] w = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return w[0] + " " + w[1] + " " + w[2];
    }

    private static long status(long pid, String field) throws IOException {
        return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                .filter(l -> l.startsWith(field))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                .findFirst()
                .orElseThrow();
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Process p = new ProcessBuilder(List.of(java.resolveSibling("jcmd").toString(), String.valueOf(pid), command))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed: " + out);
        }
        return out;
    }
}

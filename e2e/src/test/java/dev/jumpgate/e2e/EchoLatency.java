package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * An interactive session (remote {@code cat}, no PTY) timed as a typing user feels it: one byte written, the
 * same byte read back, the round trip recorded; then a short pause, as between keystrokes.
 */
final class EchoLatency implements AutoCloseable {

    private static final long PAUSE_MS = 10;

    /** Round trips in milliseconds: how many, the median, the 99th percentile and the slowest. */
    record Stats(int samples, double p50, double p99, double max) {

        static Stats of(List<Long> nanos) {
            long[] s = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Stats(
                    s.length,
                    ms(s[s.length / 2]),
                    ms(s[Math.min(s.length - 1, s.length * 99 / 100)]),
                    ms(s[s.length - 1]));
        }

        private static double ms(long nanos) {
            return nanos / 1e6;
        }

        @Override
        public String toString() {
            return "%d samples, p50 %.2f ms, p99 %.2f ms, max %.2f ms".formatted(samples, p50, p99, max);
        }
    }

    private final String name;
    private final Process process;
    private final OutputStream in;
    private final InputStream out;
    private int next;

    private EchoLatency(String name, Process process) {
        this.name = name;
        this.process = process;
        this.in = process.getOutputStream();
        this.out = process.getInputStream();
    }

    String name() {
        return name;
    }

    /** Starts {@code command} (an ssh running remote {@code cat}) and waits for its first echo. */
    static EchoLatency start(String name, List<String> command, Path errors) throws IOException {
        Process p = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        EchoLatency session = new EchoLatency(name, p);
        session.roundTrip();
        return session;
    }

    /** Takes {@code count} round trips. */
    Stats sample(int count) throws IOException, InterruptedException {
        int[] left = {count};
        return sampleWhile(() -> left[0]-- > 0);
    }

    /** Takes round trips for as long as {@code going} says, at least one. */
    Stats sampleWhile(BooleanSupplier going) throws IOException, InterruptedException {
        List<Long> nanos = new ArrayList<>();
        do {
            nanos.add(roundTrip());
            Thread.sleep(PAUSE_MS);
        } while (going.getAsBoolean());
        return Stats.of(nanos);
    }

    private long roundTrip() throws IOException {
        byte b = (byte) next++;
        long start = System.nanoTime();
        in.write(b);
        in.flush();
        int back = out.read();
        long took = System.nanoTime() - start;
        assertThat(back).as("%s: the byte echoed", name).isEqualTo(b & 0xff);
        return took;
    }

    /** Ends the session with EOF, as a user logging out, and asserts it exited cleanly. */
    @Override
    public void close() throws IOException, InterruptedException {
        in.close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        assertThat(process.exitValue()).as("%s exit status", name).isZero();
    }
}

package dev.jumpgate.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.List;

/**
 * Holds {@code flock(1)} on the file named by {@code BENCH_LOCK} while a bench measures, so that measurements
 * sharing a machine do not overlap; setup and teardown run outside it. Without {@code BENCH_LOCK}, nothing.
 */
final class MeasureLock implements AutoCloseable {

    private final Process holder;

    private MeasureLock(Process holder) {
        this.holder = holder;
    }

    static MeasureLock take() throws IOException {
        String file = System.getenv("BENCH_LOCK");
        if (file == null || file.isBlank()) {
            return new MeasureLock(null);
        }
        CapacityBench.progress("waiting for the lock on " + file);
        // flock holds the lock while its child runs; the child runs until this process closes its stdin.
        Process p = new ProcessBuilder(List.of("flock", file, "sh", "-c", "echo locked; exec cat > /dev/null"))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
        if (!"locked".equals(line)) {
            p.destroy();
            throw new IOException("flock " + file + " failed");
        }
        CapacityBench.progress("holding the lock on " + file);
        return new MeasureLock(p);
    }

    @Override
    public void close() throws InterruptedException {
        if (holder != null) {
            try {
                holder.getOutputStream().close();
            } catch (IOException e) {
                holder.destroy();
            }
            holder.waitFor();
        }
    }
}

package dev.jumpgate.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;

/**
 * Where a short-lived client command spends its start, for {@code bench/run}: with {@code JUMPGATE_TRACE=FILE}
 * set, {@link #mark} notes the wall-clock time of each named step and the process appends one line to FILE at
 * exit; without it every call is a field read.
 *
 * <pre>
 *   launch=0 exec=12.3 main=118.0 config=121.4 ... cpu=0.41
 *   milliseconds since the launcher script started (JUMPGATE_LAUNCH_US, from the launcher; else since main),
 *   then the process's CPU seconds
 * </pre>
 */
public final class StartupTrace {

    private static final String FILE = System.getenv("JUMPGATE_TRACE");
    private static final StringBuilder LINE = new StringBuilder();
    private static final Set<String> SEEN = new HashSet<>();
    private static long originMicros;

    private StartupTrace() {}

    /** Starts the trace (from main), if it is wanted. */
    public static void begin(String command) {
        if (FILE == null) {
            return;
        }
        long now = nowMicros();
        originMicros = micros("JUMPGATE_LAUNCH_US", now);
        synchronized (LINE) {
            LINE.append(command);
        }
        mark("launch", originMicros);
        mark("exec", micros("JUMPGATE_EXEC_US", originMicros));
        mark("main", now);
        Runtime.getRuntime().addShutdownHook(new Thread(StartupTrace::write, "startup-trace"));
    }

    /** Notes that {@code step} is done now; only its first time counts. */
    public static void mark(String step) {
        if (FILE != null && originMicros != 0) {
            mark(step, nowMicros());
        }
    }

    private static void mark(String step, long atMicros) {
        synchronized (LINE) {
            if (!SEEN.add(step)) {
                return;
            }
            long tenths = (atMicros - originMicros) / 100; // no String.format: it would load classes of its own
            LINE.append(' ')
                    .append(step)
                    .append('=')
                    .append(tenths / 10)
                    .append('.')
                    .append(Math.abs(tenths % 10));
        }
    }

    private static void write() {
        String line;
        synchronized (LINE) {
            long cpuMillis = ProcessHandle.current()
                    .info()
                    .totalCpuDuration()
                    .map(d -> d.toMillis())
                    .orElse(0L);
            line = LINE.append(" cpu=").append(cpuMillis / 1000.0).append('\n').toString();
        }
        try {
            Files.writeString(
                    Path.of(FILE), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // a trace that cannot be written changes nothing else
        }
    }

    /** {@code $EPOCHREALTIME} as bash prints it ("1763720000.123456"), in microseconds. */
    private static long micros(String env, long fallback) {
        String v = System.getenv(env);
        if (v == null) {
            return fallback;
        }
        try {
            return Math.round(Double.parseDouble(v.replace(',', '.')) * 1e6);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }
}

package dev.jumpgate.client.mux;

import dev.jumpgate.transport.StartupTrace;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the mux of the current login for {@code jumpgate proxy}, or starts one for the proxies after it. The mux
 * runs in a session of its own ({@code setsid}), with stdin from /dev/null and its output in its log, so that
 * nothing of ssh's (its pipes, its terminal, its signals) holds it or reaches it. A mux that cannot log in marks
 * it ({@link #markFailed}) and exits; for {@link #RETRY_AFTER} no proxy of that login starts another, instead of
 * each starting a JVM that fails the same way.
 */
public final class MuxStarter {

    /** How long after a failed start proxies do without a mux before one tries again. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(60);

    static final Duration DEFAULT_PERSIST = Duration.ofMinutes(10);
    private static final List<String> NOT_INHERITED =
            List.of("JUMPGATE_TRACE", "JUMPGATE_LAUNCH_US", "JUMPGATE_EXEC_US", "JUMPGATE_DIAL");

    private MuxStarter() {}

    /** False when {@code JUMPGATE_MUX=no}: every proxy then dials the relay itself. */
    public static boolean wanted(Map<String, String> env) {
        return !List.of("no", "off", "0", "false")
                .contains(env.getOrDefault("JUMPGATE_MUX", "auto").toLowerCase());
    }

    /** A connection to the running mux of the login of {@code env}; empty if none runs (or none can). */
    public static Optional<MuxDial> dial(Map<String, String> env) {
        Optional<MuxDial> running;
        try {
            running = MuxSocket.current(env).flatMap(MuxDial::connect);
        } catch (IOException e) {
            return Optional.empty(); // the login file went away: the proxy dials, and says what is wrong
        }
        running.ifPresent(m -> StartupTrace.mark("mux-connected"));
        return running;
    }

    /**
     * Starts a mux for the login of {@code env} with {@code self} (the command line that runs jumpgate), for the proxies after
     * this one, unless one runs or is starting, or the last one failed recently; true if it started one. A proxy
     * calls this once its own login has worked, and does not wait for the mux: that would add the mux's JVM start
     * and login (about a second) to the login's first connection, and starting it before its own login would have
     * the two JVMs compete for the CPU while that connection is set up.
     */
    public static boolean startFor(Map<String, String> env, List<String> self) {
        return startFor(env, self, Clock.systemUTC());
    }

    /** {@link #startFor(Map, List)} with the time of {@code clock}. */
    static boolean startFor(Map<String, String> env, List<String> self, Clock clock) {
        try {
            Optional<MuxSocket> where = MuxSocket.current(env);
            if (where.isEmpty()) {
                return false;
            }
            where.get().secureDir();
            if (retryAt(where.get(), clock).isPresent() || locked(where.get())) {
                return false;
            }
            start(where.get(), env, self);
            StartupTrace.mark("mux-spawned");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** True if a mux holds this login's lock (it runs, or is starting or stopping): another would only exit. */
    private static boolean locked(MuxSocket where) {
        if (!Files.exists(where.lock())) {
            return false;
        }
        try (FileChannel pid = FileChannel.open(where.lock(), StandardOpenOption.WRITE);
                FileLock lock = pid.tryLock()) {
            return lock == null;
        } catch (IOException | OverlappingFileLockException e) {
            return false;
        }
    }

    /** Marks that a mux did not come up: no proxy starts another for {@link #RETRY_AFTER}. */
    public static void markFailed(MuxSocket where) {
        markFailed(where, Clock.systemUTC());
    }

    /** {@link #markFailed(MuxSocket)} at the time of {@code clock}. */
    static void markFailed(MuxSocket where, Clock clock) {
        try {
            Files.writeString(where.failed(), "");
            Files.setLastModifiedTime(where.failed(), FileTime.from(clock.instant()));
        } catch (IOException e) {
            // then the next proxy starts another, which fails the same way: slower, not wrong
        }
    }

    /** When proxies will try to start a mux again, if the last start failed recently. */
    public static Optional<Instant> retryAt(MuxSocket where) {
        return retryAt(where, Clock.systemUTC());
    }

    /** {@link #retryAt(MuxSocket)} as of the time of {@code clock}. */
    static Optional<Instant> retryAt(MuxSocket where, Clock clock) {
        try {
            Instant at = Files.getLastModifiedTime(where.failed()).toInstant().plus(RETRY_AFTER);
            return at.isAfter(clock.instant()) ? Optional.of(at) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // none, or unreadable: try
        }
    }

    private static void start(MuxSocket where, Map<String, String> env, List<String> self) throws IOException {
        List<String> cmd = new ArrayList<>();
        Optional<Path> setsid = setsid();
        setsid.ifPresent(p -> cmd.add(p.toString()));
        cmd.addAll(self);
        cmd.addAll(
                List.of("mux", "run", "--persist", String.valueOf(persist(env).toSeconds())));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(where.log().toFile()))
                .redirectErrorStream(true);
        NOT_INHERITED.forEach(pb.environment()::remove);
        pb.start();
    }

    /** {@code JUMPGATE_MUX_PERSIST}: seconds a mux stays up with no connection (default 600). */
    static Duration persist(Map<String, String> env) {
        try {
            long s = Long.parseLong(env.getOrDefault("JUMPGATE_MUX_PERSIST", ""));
            return s > 0 ? Duration.ofSeconds(s) : DEFAULT_PERSIST;
        } catch (NumberFormatException e) {
            return DEFAULT_PERSIST;
        }
    }

    private static Optional<Path> setsid() {
        for (String dir : List.of("/usr/bin", "/bin")) {
            Path p = Path.of(dir, "setsid");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}

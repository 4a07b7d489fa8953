package dev.jumpgate.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/** A program under test running as its own process, its output in log files the test can wait on. */
final class Proc implements AutoCloseable {

    private final Process process;
    private final Path out;
    private final Path err;
    private final String name;

    private Proc(String name, Process process, Path out, Path err) {
        this.name = name;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static Proc start(Path logDir, String name, List<String> command) throws IOException {
        return start(logDir, name, Path.of("/dev/null"), command);
    }

    /** {@code command} with its standard input read from {@code stdin}. */
    static Proc start(Path logDir, String name, Path stdin, List<String> command) throws IOException {
        Files.createDirectories(logDir);
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(stdin.toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        return new Proc(name, p, out, err);
    }

    /** {@code jumpgate ARGS} from the test's own classpath, in a JVM of its own. */
    static Proc jumpgate(Path logDir, String name, String... args) throws IOException {
        return jumpgate(logDir, name, Path.of("/dev/null"), args);
    }

    /** {@code jumpgate ARGS} with its standard input read from {@code stdin}. */
    static Proc jumpgate(Path logDir, String name, Path stdin, String... args) throws IOException {
        return start(logDir, name, stdin, jumpgateCommand(args));
    }

    /** The command line that runs {@code jumpgate ARGS} from the test's classpath. */
    static List<String> jumpgateCommand(String... args) {
        List<String> cmd = new ArrayList<>(javaCommand());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The command line that runs jumpgate's main class from the test's classpath. */
    static List<String> javaCommand() {
        return List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-XX:+UseSerialGC",
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.jumpgate.cli.Main");
    }

    /** Waits for a line of stdout matching {@code regex}; returns the match. */
    Matcher awaitOutput(String regex, Duration limit) {
        Pattern p = Pattern.compile(regex, Pattern.MULTILINE);
        Matcher[] found = new Matcher[1];
        Awaitility.await(name + " prints /" + regex + "/")
                .atMost(limit)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!process.isAlive() && !p.matcher(stdout()).find()) {
                        throw new AssertionError(name + " exited with " + process.exitValue() + ": " + stderr());
                    }
                    Matcher m = p.matcher(stdout());
                    if (m.find()) {
                        found[0] = m;
                        return true;
                    }
                    return false;
                });
        return found[0];
    }

    /** Waits for a line of stderr (the log) matching {@code regex}. */
    void awaitLog(String regex, Duration limit) {
        Pattern p = Pattern.compile(regex, Pattern.MULTILINE);
        Awaitility.await(name + " logs /" + regex + "/")
                .atMost(limit)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> p.matcher(stderr()).find());
    }

    /**
     * Waits for a log line matching {@code regex} written at or after {@code since}, and returns when it was
     * written, by the clock time the line starts with ({@code HH:mm:ss.SSS}: this machine's clock, as the test's).
     */
    LocalTime awaitLogSince(String regex, LocalTime since, Duration limit) {
        Pattern p = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*" + regex, Pattern.MULTILINE);
        LocalTime[] found = new LocalTime[1];
        Awaitility.await(name + " logs /" + regex + "/ after " + since)
                .atMost(limit)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    Matcher m = p.matcher(stderr());
                    while (m.find()) {
                        LocalTime t = LocalTime.parse(m.group(1));
                        if (!t.isBefore(since.withNano(since.getNano() / 1_000_000 * 1_000_000))) {
                            found[0] = t;
                            return true;
                        }
                    }
                    return false;
                });
        return found[0];
    }

    int awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still running after " + limit);
        }
        return process.exitValue();
    }

    String stdout() throws IOException {
        return Files.readString(out);
    }

    String stderr() throws IOException {
        return Files.readString(err);
    }

    long pid() {
        return process.pid();
    }

    /** Resident set size of the process: see {@link JvmMeter#rssKib}. */
    long rssKib() throws IOException {
        return JvmMeter.rssKib(process.pid());
    }

    /** Java heap in use right after a full collection: see {@link JvmMeter#heapAfterGcKib}. */
    long heapAfterGcKib() throws Exception {
        return JvmMeter.heapAfterGcKib(process.pid());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** kill -9: no shutdown hook runs, sockets drop as the kernel closes them. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}

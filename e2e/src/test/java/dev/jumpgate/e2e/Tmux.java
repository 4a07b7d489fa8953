package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A terminal a person would sit at: a tmux server of the test's own (private socket, no status line, TERM
 * xterm-256color) running one command in a window of a known size. The test types keys into it and reads the
 * screen, so programs under test see a real terminal with real resizes.
 */
final class Tmux implements AutoCloseable {

    private final Path socket;
    private final Path config;

    private Tmux(Path socket, Path config) {
        this.socket = socket;
        this.config = config;
    }

    /** Starts {@code shellCommand} (run by sh) in a {@code columns} x {@code rows} window. */
    static Tmux start(Path dir, String shellCommand, int columns, int rows) throws Exception {
        Files.createDirectories(dir);
        Path config = Files.writeString(dir.resolve("tmux.conf"), """
                set -g status off
                set -g default-terminal "xterm-256color"
                set -g remain-on-exit on
                """);
        Tmux t = new Tmux(dir.resolve("tmux.sock"), config);
        t.tmux(
                "new-session",
                "-d",
                "-s",
                "e2e",
                "-x",
                String.valueOf(columns),
                "-y",
                String.valueOf(rows),
                shellCommand);
        return t;
    }

    /** Types {@code keys} (tmux key names such as Enter, C-c, Escape, or literal text). */
    void send(String... keys) throws Exception {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "e2e"));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    /** Types a line of text, then Enter. */
    void type(String line) throws Exception {
        tmux("send-keys", "-t", "e2e", "-l", line);
        send("Enter");
    }

    void resize(int columns, int rows) throws Exception {
        tmux("resize-window", "-t", "e2e", "-x", String.valueOf(columns), "-y", String.valueOf(rows));
    }

    String screen() throws Exception {
        return tmux("capture-pane", "-p", "-t", "e2e", "-S", "-200");
    }

    /** Waits until the screen (with its scrollback) matches {@code regex}. */
    void awaitScreen(String regex, Duration limit) {
        Pattern p = Pattern.compile(regex, Pattern.MULTILINE);
        try {
            Awaitility.await("screen shows /" + regex + "/")
                    .atMost(limit)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> p.matcher(screen()).find());
        } catch (ConditionTimeoutException e) {
            String shown;
            try {
                shown = screen().strip();
            } catch (Exception gone) {
                shown = "(no screen: " + gone.getMessage() + ")";
            }
            throw new AssertionError(e.getMessage() + "; the screen shows:\n" + shown, e);
        }
    }

    private String tmux(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-S", socket.toString(), "-f", config.toString()));
        cmd.addAll(List.of(args));
        Ssh.Result r = Ssh.run(cmd, null, Duration.ofSeconds(10));
        assertThat(r.exit()).as("%s: %s", cmd, r.err()).isZero();
        return r.out();
    }

    @Override
    public void close() throws Exception {
        Ssh.run(List.of("tmux", "-S", socket.toString(), "kill-server"), null, Duration.ofSeconds(10));
    }
}

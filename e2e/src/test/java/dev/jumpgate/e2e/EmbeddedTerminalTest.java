package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The embedded server's terminal sessions, driven the way a person drives them: OpenSSH's ssh in a tmux window,
 * keys typed, the screen read. And what must happen when the person's client disappears: nothing they started
 * keeps running on the device.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class EmbeddedTerminalTest {

    static final Duration SCREEN = Duration.ofSeconds(20);

    Path tmp;
    Lab lab;
    Proc agent;

    @BeforeAll
    void start() throws Exception {
        tmp = Lab.workDir(getClass());
        lab = new Lab(tmp);
        agent = lab.addEmbeddedDevice("box", "--ssh-keepalive", "1");
    }

    @AfterAll
    void stop() throws Exception {
        lab.close();
    }

    /** A tmux window running {@code ssh box} (a login shell); the ssh's exit status lands in {@code status}. */
    private Tmux terminal(String name, Path status) throws Exception {
        String ssh = String.join(" ", lab.sshArgs("admin", "box", null));
        Tmux t = Tmux.start(tmp.resolve(name), ssh + "; echo $? > " + status, 100, 30);
        agent.awaitLog("shell on a PTY", SCREEN);
        return t;
    }

    @Test
    void shellHasARealTerminalThatFollowsResizesAndSignals() throws Exception {
        Path status = tmp.resolve("shell.status");
        try (Tmux t = terminal("shell", status)) {
            t.type("echo TERM=$TERM size=$(stty size) sum=$((6 * 7))");
            t.awaitScreen("^TERM=xterm-256color size=30 100 sum=42", SCREEN);

            t.resize(120, 40);
            t.type("echo resized=$(stty size)");
            t.awaitScreen("^resized=40 120", SCREEN);

            t.type("sleep 7341; echo slept=$?");
            Awaitility.await().atMost(SCREEN).until(() -> !sleeping(7341).isEmpty());
            t.send("C-c");
            t.type("echo interrupted=$?");
            t.awaitScreen("^interrupted=130", SCREEN);
            assertThat(t.screen()).as("Ctrl-C ended the whole command line").doesNotContainPattern("(?m)^slept=");

            t.type("top; echo top-done=$?");
            t.awaitScreen("load average", SCREEN);
            t.send("q");
            t.awaitScreen("^top-done=0", SCREEN);

            t.type("exit 7");
            Awaitility.await()
                    .atMost(SCREEN)
                    .until(() ->
                            Files.exists(status) && !Files.readString(status).isBlank());
            assertThat(Files.readString(status).strip()).isEqualTo("7");
        }
    }

    @Test
    void vimEditsAFile() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/vim")), "vim is installed");
        Path file = tmp.resolve("edited.txt");
        try (Tmux t = terminal("vim", tmp.resolve("vim.status"))) {
            t.type("vim -u NONE -N " + file);
            t.awaitScreen("^~", SCREEN);
            t.send("i", "written in vim", "Escape", ":wq", "Enter");
            Awaitility.await().atMost(SCREEN).until(() -> Files.exists(file));
            assertThat(Files.readString(file)).isEqualTo("written in vim\n");
        }
    }

    /**
     * The client dies (kill -9) while its terminal session runs a job that ignores SIGHUP and SIGTERM, and a
     * foreground job: both end, the stubborn one by SIGKILL after the grace period.
     */
    @Test
    void nothingOutlivesAKilledClientOfATerminalSession() throws Exception {
        List<String> args =
                new ArrayList<>(lab.sshArgs("admin", "box", "sh -c 'trap \"\" HUP TERM INT; sleep 7342' & sleep 7343"));
        args.add(1, "-tt");
        killingTheClientLeavesNothing("killed-tty-client", args, 7342, 7343);
    }

    @Test
    void nothingOutlivesAKilledClientOfACommand() throws Exception {
        killingTheClientLeavesNothing(
                "killed-exec-client", lab.sshArgs("admin", "box", "sleep 7344 & sleep 7345"), 7344, 7345);
    }

    /**
     * Runs the ssh client {@code args} as {@code name} until both its {@code sleep first} and {@code sleep second}
     * run on the device, kills it with -9, and waits until neither runs any more.
     */
    private void killingTheClientLeavesNothing(String name, List<String> args, int first, int second) throws Exception {
        Proc client = Proc.start(tmp.resolve("logs"), name, args);
        Awaitility.await().atMost(SCREEN).until(() -> sleeping(first, second).size() == 2);

        client.kill();

        Awaitility.await("no sleep " + first + "/" + second + " left")
                .atMost(Duration.ofSeconds(20))
                .until(() -> sleeping(first, second).isEmpty());
    }

    /**
     * A client that stops answering (a laptop gone to sleep: its connection stays open, nothing replies) loses its
     * session after three unanswered keepalives, and its programs end.
     */
    @Test
    void aClientThatStopsAnsweringLosesItsSession() throws Exception {
        List<String> args = new ArrayList<>(lab.sshArgs("admin", "box", "sleep 7346"));
        args.add(1, "-tt");
        Proc client = Proc.start(tmp.resolve("logs"), "frozen-client", args);
        try {
            Awaitility.await().atMost(SCREEN).until(() -> sleeping(7346).size() == 1);
            long pid = client.pid();
            Lab.run(List.of("kill", "-STOP", String.valueOf(pid)));

            agent.awaitLog("answered none of 3 keepalives", Duration.ofSeconds(20));
            Awaitility.await("sleep 7346 ended")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> sleeping(7346).isEmpty());
        } finally {
            client.kill();
        }
    }

    /** {@code sleep N} processes on this machine (the device), for any of the given N. */
    static List<ProcessHandle> sleeping(int... seconds) {
        List<String> wanted = Arrays.stream(seconds).mapToObj(String::valueOf).toList();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().orElse("").endsWith("/sleep")
                        && p.info()
                                .arguments()
                                .map(a -> a.length == 1 && wanted.contains(a[0]))
                                .orElse(false))
                .toList();
    }
}

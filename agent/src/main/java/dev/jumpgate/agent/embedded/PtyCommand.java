package dev.jumpgate.agent.embedded;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import com.pty4j.unix.UnixPtyProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A program on a real pseudo-terminal (pty4j): the shell of {@code ssh DEVICE}, or {@code ssh -t DEVICE top}.
 * The terminal does what sshd's does: the kernel's line discipline turns Ctrl-C into SIGINT for the foreground
 * job, a window-change request resizes the PTY (the kernel sends SIGWINCH), and the program is its session's
 * leader. EOF from the client is ignored, as sshd does on a PTY; the PTY's output is drained before the exit
 * status goes out.
 */
final class PtyCommand extends ProgramCommand<PtyProcess> {

    private static final Logger log = LoggerFactory.getLogger(PtyCommand.class);
    /** After the program exits, how long its output may still take to drain (a background job may hold it). */
    private static final long DRAIN_MILLIS = 2_000;

    private final boolean chownTerminal;

    /** @param chownTerminal give the PTY device to the session's user (a root agent serving someone else) */
    PtyCommand(Spawn spawn, boolean chownTerminal) {
        super(spawn, " on a PTY");
        this.chownTerminal = chownTerminal;
    }

    @Override
    PtyProcess launch() throws IOException {
        PtyProcessBuilder b = new PtyProcessBuilder(spawn.argv().toArray(String[]::new))
                .setEnvironment(spawn.env())
                .setDirectory(spawn.directory().toString())
                .setConsole(false);
        if (spawn.columns() > 0 && spawn.rows() > 0) {
            b.setInitialColumns(spawn.columns()).setInitialRows(spawn.rows());
        }
        return b.start();
    }

    @Override
    String cannotStart(String message) {
        return "jumpgate: cannot start a terminal session: " + message + "\r\n";
    }

    @Override
    void started(PtyProcess p, Environment env) {
        if (chownTerminal && p instanceof UnixPtyProcess unix) {
            giveTerminal(unix.getPty().getSlaveName());
        }
        env.addSignalListener((ch, signal) -> resize(env), Signal.WINCH);
        resize(env); // a window change that came while the program started
    }

    @Override
    Drain connect(PtyProcess p, String name) {
        Thread output = Pump.start(name + "-out", p.getInputStream(), out, false);
        Pump.start(name + "-in", in, p.getOutputStream(), false);
        return () -> {
            Pump.join(output, DRAIN_MILLIS);
            out.flush();
        };
    }

    @Override
    void afterExit(PtyProcess p) {
        closeTerminal(p);
    }

    /**
     * The client went away: hang up the terminal (the kernel sends SIGHUP to the foreground job and the shell, as
     * when sshd closes a PTY), then end the whole session.
     */
    @Override
    void clientGone(PtyProcess p) {
        log.info(
                "embedded ssh {}: client gone; hanging up the terminal of pid {} and ending its session",
                spawn.label(),
                p.pid());
        closeTerminal(p);
        Reaper.endSession(p.pid());
    }

    private void resize(Environment env) {
        PtyProcess p = process();
        try {
            int columns = Integer.parseInt(env.getEnv().get(Environment.ENV_COLUMNS));
            int rows = Integer.parseInt(env.getEnv().get(Environment.ENV_LINES));
            if (p != null && p.isAlive() && columns > 0 && rows > 0) {
                p.setWinSize(new WinSize(columns, rows));
            }
        } catch (RuntimeException e) {
            log.debug("embedded ssh {}: window change ignored: {}", spawn.label(), e.getMessage());
        }
    }

    /** Like sshd: the user owns the terminal it logs in on (programs such as gpg's pinentry open it by name). */
    private void giveTerminal(String device) {
        try {
            var owner = Path.of(device)
                    .getFileSystem()
                    .getUserPrincipalLookupService()
                    .lookupPrincipalByName(spawn.account().name());
            Files.setOwner(Path.of(device), owner);
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "embedded ssh {}: cannot give {} to {}: {}",
                    spawn.label(),
                    device,
                    spawn.account().name(),
                    e.getMessage());
        }
    }

    private static void closeTerminal(PtyProcess p) {
        try {
            p.getInputStream().close(); // closes the PTY's master side
        } catch (IOException e) {
            // already closed
        }
    }
}

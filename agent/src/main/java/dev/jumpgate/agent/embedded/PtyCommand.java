package dev.jumpgate.agent.embedded;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import com.pty4j.unix.UnixPtyProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.channel.ChannelSessionAware;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A program on a real pseudo-terminal (pty4j): the shell of {@code ssh DEVICE}, or {@code ssh -t DEVICE top}.
 * The terminal does what sshd's does: the kernel's line discipline turns Ctrl-C into SIGINT for the foreground
 * job, a window-change request resizes the PTY (the kernel sends SIGWINCH), and the program is its session's
 * leader. EOF from the client is ignored, as sshd does on a PTY; the PTY's output is drained before the exit
 * status goes out.
 */
final class PtyCommand implements Command, ChannelSessionAware {

    private static final Logger log = LoggerFactory.getLogger(PtyCommand.class);
    /** After the program exits, how long its output may still take to drain (a background job may hold it). */
    private static final long DRAIN_MILLIS = 2_000;

    private final Spawn spawn;
    private final boolean chownTerminal;
    private ChannelInput in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private volatile PtyProcess process;

    /** @param chownTerminal give the PTY device to the session's user (a root agent serving someone else) */
    PtyCommand(Spawn spawn, boolean chownTerminal) {
        this.spawn = spawn;
        this.chownTerminal = chownTerminal;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        PtyProcess p;
        try {
            PtyProcessBuilder b = new PtyProcessBuilder(spawn.argv().toArray(String[]::new))
                    .setEnvironment(spawn.env()).setDirectory(spawn.directory().toString()).setConsole(false);
            if (spawn.columns() > 0 && spawn.rows() > 0) {
                b.setInitialColumns(spawn.columns()).setInitialRows(spawn.rows());
            }
            p = b.start();
        } catch (IOException | RuntimeException e) {
            log.warn("embedded ssh {}: cannot start {} on a PTY: {}", spawn.label(), spawn.argv().getFirst(),
                    e.getMessage());
            err.write(("jumpgate: cannot start a terminal session: " + e.getMessage() + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            err.flush();
            exit.onExit(127);
            return;
        }
        process = p;
        if (chownTerminal && p instanceof UnixPtyProcess unix) {
            giveTerminal(unix.getPty().getSlaveName());
        }
        env.addSignalListener((ch, signal) -> resize(env), Signal.WINCH);
        resize(env); // a window change that came while the program started
        String name = "embedded-" + spawn.label();
        Thread output = Pump.start(name + "-out", p.getInputStream(), out, false);
        Pump.start(name + "-in", in, p.getOutputStream(), false);
        Thread.ofPlatform().name(name + "-wait").daemon().start(() -> {
            try {
                int status = p.waitFor();
                Pump.join(output, DRAIN_MILLIS);
                out.flush();
                exit.onExit(status);
            } catch (IOException e) {
                exit.onExit(p.exitValue());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeTerminal(p);
            }
        });
    }

    private void resize(Environment env) {
        PtyProcess p = process;
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
            var owner = Path.of(device).getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(spawn.account().name());
            Files.setOwner(Path.of(device), owner);
        } catch (IOException | RuntimeException e) {
            log.warn("embedded ssh {}: cannot give {} to {}: {}", spawn.label(), device, spawn.account().name(),
                    e.getMessage());
        }
    }

    /**
     * The channel closed. If the program still runs, its client went away: hang up the terminal (the kernel sends
     * SIGHUP to the foreground job and the shell, as when sshd closes a PTY), then end the whole session.
     */
    @Override
    public void destroy(ChannelSession channel) {
        PtyProcess p = process;
        if (p != null && p.isAlive()) {
            log.info("embedded ssh {}: client gone; hanging up the terminal of pid {} and ending its session",
                    spawn.label(), p.pid());
            closeTerminal(p);
            Reaper.endSession(p.pid());
        }
    }

    private static void closeTerminal(PtyProcess p) {
        try {
            p.getInputStream().close(); // closes the PTY's master side
        } catch (IOException e) {
            // already closed
        }
    }

    /** Before MINA would install its own pipe: the client's data comes through {@link ChannelInput} instead. */
    @Override
    public void setChannelSession(ChannelSession channel) {
        this.in = ChannelInput.attach(channel);
    }

    @Override
    public void setInputStream(InputStream ignored) {
        // not called: setChannelSession installed a data receiver
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }
}

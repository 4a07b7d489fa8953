package dev.jumpgate.agent.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.channel.ChannelSessionAware;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A program with plain pipes and no terminal: {@code ssh DEVICE COMMAND}, {@code rsync --server}, a shell fed by
 * a script, or {@code sftp-server} for another user. Its stdout and stderr travel as the channel's data and
 * extended data, EOF from the client closes its stdin, and its exit status is sent once both outputs ended.
 */
final class ProcessCommand implements Command, ChannelSessionAware {

    private static final Logger log = LoggerFactory.getLogger(ProcessCommand.class);

    private final Spawn spawn;
    private ChannelInput in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private volatile Process process;

    ProcessCommand(Spawn spawn) {
        this.spawn = spawn;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(spawn.argv()).directory(spawn.directory().toFile());
        pb.environment().clear();
        pb.environment().putAll(spawn.env());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            log.warn("embedded ssh {}: cannot start {}: {}", spawn.label(), spawn.argv().getFirst(), e.getMessage());
            err.write(("jumpgate: cannot start " + spawn.argv().getFirst() + ": " + e.getMessage() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            err.flush();
            exit.onExit(127);
            return;
        }
        process = p;
        String name = "embedded-" + spawn.label();
        Thread stdout = Pump.start(name + "-out", p.getInputStream(), out, false);
        Thread stderr = Pump.start(name + "-err", p.getErrorStream(), err, false);
        Pump.start(name + "-in", in, p.getOutputStream(), true);
        Thread.ofPlatform().name(name + "-wait").daemon().start(() -> {
            try {
                int status = p.waitFor();
                stdout.join();
                stderr.join();
                exit.onExit(status);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** The channel closed: if the program still runs, its client went away, so end it and what it started. */
    @Override
    public void destroy(ChannelSession channel) {
        Process p = process;
        if (p != null && p.isAlive()) {
            log.info("embedded ssh {}: client gone; ending pid {} and its children", spawn.label(), p.pid());
            Reaper.endTree(p.toHandle());
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

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
 * A program that serves a session channel, started as the logged-in user. The lifecycle is the same with or without
 * a terminal: start the program (a failure tells the client and exits 127), pump between it and the channel, send
 * its exit status once its output has reached the client, and end it if the client goes away first. What differs is
 * how it starts, what is pumped, how the output drains and how it is ended: the hooks {@link PtyCommand} and
 * {@link ProcessCommand} fill in.
 *
 * @param <P> the started program
 */
abstract sealed class ProgramCommand<P extends Process> implements Command, ChannelSessionAware
        permits ProcessCommand, PtyCommand {

    private static final Logger log = LoggerFactory.getLogger(ProgramCommand.class);

    final Spawn spawn;
    /** Where the program runs, for the log: {@code ""} or {@code " on a PTY"}. */
    private final String where;

    ChannelInput in;
    OutputStream out;
    OutputStream err;
    private ExitCallback exit;
    private volatile P process;

    ProgramCommand(Spawn spawn, String where) {
        this.spawn = spawn;
        this.where = where;
    }

    /** Waits until the program's output has reached the client. */
    interface Drain {
        void await() throws IOException, InterruptedException;
    }

    /** Starts the program. */
    abstract P launch() throws IOException;

    /** What the client reads on its error stream when the program could not start. */
    abstract String cannotStart(String message);

    /** The program has started, before any pump: settle what it needs of {@code env}. */
    void started(P p, Environment env) {}

    /** Starts the pumps between the channel and the program named {@code name}. */
    abstract Drain connect(P p, String name);

    /** The program ended and its exit status went out (or could not be known). */
    void afterExit(P p) {}

    /** The client went away while the program still runs: end it and what it started. */
    abstract void clientGone(P p);

    @Override
    public final void start(ChannelSession channel, Environment env) throws IOException {
        P p;
        try {
            p = launch();
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "embedded ssh {}: cannot start {}{}: {}",
                    spawn.label(),
                    spawn.argv().getFirst(),
                    where,
                    e.getMessage());
            err.write(cannotStart(e.getMessage()).getBytes(StandardCharsets.UTF_8));
            err.flush();
            exit.onExit(127);
            return;
        }
        process = p;
        started(p, env);
        String name = "embedded-" + spawn.label();
        Drain drain = connect(p, name);
        Thread.ofPlatform().name(name + "-wait").daemon().start(() -> {
            try {
                int status = p.waitFor();
                drain.await();
                exit.onExit(status);
            } catch (IOException e) {
                exit.onExit(p.exitValue());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                afterExit(p);
            }
        });
    }

    /** The channel closed: if the program still runs, its client went away. */
    @Override
    public final void destroy(ChannelSession channel) {
        P p = process;
        if (p != null && p.isAlive()) {
            clientGone(p);
        }
    }

    /** The program, once started; {@code null} before. */
    final P process() {
        return process;
    }

    /** Before MINA would install its own pipe: the client's data comes through {@link ChannelInput} instead. */
    @Override
    public final void setChannelSession(ChannelSession channel) {
        this.in = ChannelInput.attach(channel);
    }

    @Override
    public final void setInputStream(InputStream ignored) {
        // not called: setChannelSession installed a data receiver
    }

    @Override
    public final void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public final void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public final void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }
}

package dev.jumpgate.relay.bastion;

import dev.jumpgate.relay.console.Result;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * One request on the bastion's session channel that answers with a {@link Result}: it runs on a virtual thread of
 * its own (it may touch the store), writes the result's output and error text, and exits with its status.
 */
abstract class ResultCommand implements Command {

    private final String threadName;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;

    ResultCommand(String threadName) {
        this.threadName = threadName;
    }

    /** The answer; {@code in} is the client's standard input. */
    abstract Result run(ChannelSession channel, InputStream in);

    /** Whether the client asked for a shell on a terminal, which in raw mode needs CR LF. */
    boolean terminal() {
        return false;
    }

    @Override
    public final void start(ChannelSession channel, Environment env) {
        Thread.ofVirtual().name(threadName).start(() -> {
            Result r = run(channel, in);
            try {
                write(out, r.out());
                write(err, r.err());
            } catch (IOException e) {
                // the client went away; nothing to tell it
            }
            exit.onExit(r.exit());
        });
    }

    private void write(OutputStream s, String text) throws IOException {
        if (text.isEmpty()) {
            return;
        }
        String t = terminal() ? text.replace("\n", "\r\n") : text;
        s.write(t.getBytes(StandardCharsets.UTF_8));
        s.flush();
    }

    @Override
    public void destroy(ChannelSession channel) {}

    @Override
    public final void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public final void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public final void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public final void setErrorStream(OutputStream err) {
        this.err = err;
    }
}

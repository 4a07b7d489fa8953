package dev.jumpgate.relay.bastion;

import dev.jumpgate.relay.Access;
import dev.jumpgate.relay.Login;
import dev.jumpgate.relay.console.Console;
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
 * {@code ssh relay [COMMAND]}: runs one console command and exits with its status. A shell request (no
 * command) lists the user's devices; the relay has no shell of its own.
 */
final class ConsoleCommand implements Command {

    private final Console console;
    private final Access access;
    private final String commandLine;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;

    ConsoleCommand(Console console, Access access, String commandLine) {
        this.console = console;
        this.access = access;
        this.commandLine = commandLine;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        String user = channel.getSession().getUsername();
        boolean shell = commandLine == null;
        Thread.ofVirtual().name("console-" + user).start(() -> {
            Login login = channel.getSession().getAttribute(SessionLogins.LOGIN);
            // The session may outlive its key by the moment it takes to end it: each command checks again.
            Result r = login != null && access.holds(login.key()) ? console.run(user, shell ? "devices" : commandLine)
                    : new Result(1, "", "the key this session logged in with is no longer a key of user '" + user
                            + "'; log in again with a key an admin has added\n");
            String text = r.out();
            if (shell) {
                text += "\nThis relay has no shell. Reach a device with: ssh -J " + user + "@RELAY:PORT USER@DEVICE\n"
                        + "`ssh " + user + "@RELAY help` lists the relay's commands.\n";
            }
            try {
                write(out, text, shell);
                write(err, r.err(), shell);
            } catch (IOException e) {
                // the client went away; nothing to tell it
            }
            exit.onExit(r.exit());
        });
    }

    private static void write(OutputStream s, String text, boolean terminal) throws IOException {
        if (text.isEmpty()) {
            return;
        }
        // A terminal in raw mode needs CR LF; piped output wants plain LF.
        String t = terminal ? text.replace("\n", "\r\n") : text;
        s.write(t.getBytes(StandardCharsets.UTF_8));
        s.flush();
    }

    @Override
    public void destroy(ChannelSession channel) {
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void setInputStream(InputStream in) {
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }
}

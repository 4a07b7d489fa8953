package dev.jumpgate.relay.bastion;

import dev.jumpgate.relay.Access;
import dev.jumpgate.relay.Login;
import dev.jumpgate.relay.console.Console;
import dev.jumpgate.relay.console.Result;
import java.io.InputStream;
import org.apache.sshd.server.channel.ChannelSession;

/**
 * {@code ssh relay [COMMAND]}: runs one console command and exits with its status. A shell request (no
 * command) lists the user's devices; the relay has no shell of its own.
 */
final class ConsoleCommand extends ResultCommand {

    private final Console console;
    private final Access access;
    private final String commandLine;

    ConsoleCommand(Console console, Access access, String commandLine) {
        super("console");
        this.console = console;
        this.access = access;
        this.commandLine = commandLine;
    }

    @Override
    boolean terminal() {
        return commandLine == null;
    }

    @Override
    Result run(ChannelSession channel, InputStream in) {
        String user = channel.getSession().getUsername();
        Login login = channel.getSession().getAttribute(SessionLogins.LOGIN);
        // The session may outlive its key by the moment it takes to end it: each command checks again.
        if (login == null || !access.holds(login.key())) {
            return new Result(
                    1,
                    "",
                    "the key this session logged in with is no longer a key of user '" + user
                            + "'; log in again with a key an admin has added\n");
        }
        if (commandLine != null) {
            return console.run(user, commandLine);
        }
        Result r = console.run(user, "devices");
        return new Result(
                r.exit(),
                r.out() + "\nThis relay has no shell. Reach a device with: ssh -J " + user
                        + "@RELAY:PORT USER@DEVICE\n`ssh " + user + "@RELAY help` lists the relay's commands.\n",
                r.err());
    }
}

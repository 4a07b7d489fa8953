package dev.jumpgate.agent.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a session channel's {@code shell} and {@code exec} requests into the program that serves them, started
 * as the logged-in user: on a PTY when the client asked for a terminal, with plain pipes otherwise.
 */
final class Programs {

    private static final Logger log = LoggerFactory.getLogger(Programs.class);
    private static final AtomicLong SESSIONS = new AtomicLong();

    private final EnvAllowList allowed;

    Programs(EnvAllowList allowed) {
        this.allowed = allowed;
    }

    /** {@code ssh DEVICE}: the user's login shell. */
    Command shell(ChannelSession channel) throws IOException {
        Launch launch = launch(channel);
        return start(channel, launch, launch.loginShell(), "shell");
    }

    /** {@code ssh DEVICE COMMAND}: the user's shell runs the command line, as under sshd. */
    Command exec(ChannelSession channel, String commandLine) throws IOException {
        Launch launch = launch(channel);
        return start(channel, launch, launch.command(commandLine), "exec");
    }

    /** {@code program} with plain pipes, for subsystems served by a program of their own. */
    Command pipes(ChannelSession channel, List<String> program, String what) throws IOException {
        Launch launch = launch(channel);
        return new ProcessCommand(spawn(channel, launch, launch.argv(program), what, false));
    }

    private Command start(ChannelSession channel, Launch launch, List<String> argv, String what) {
        boolean terminal = channel instanceof SessionChannel s && s.hasTerminal();
        Spawn spawn = spawn(channel, launch, argv, what, terminal);
        return terminal ? new PtyCommand(spawn, launch.switchUser()) : new ProcessCommand(spawn);
    }

    private Spawn spawn(ChannelSession channel, Launch launch, List<String> argv, String what, boolean terminal) {
        Map<String, String> requested = channel.getEnvironment().getEnv();
        String term = terminal ? requested.getOrDefault(Environment.ENV_TERM, "dumb") : null;
        ServerSession session = channel.getServerSession();
        String label = launch.account().name() + "-" + SESSIONS.incrementAndGet();
        log.info(
                "embedded ssh {}: {}{} as {}",
                label,
                what,
                terminal ? " on a PTY" : "",
                launch.switchUser()
                        ? launch.account().name() + " (uid " + launch.account().uid() + ")"
                        : "the agent's user");
        return new Spawn(
                label,
                launch.account(),
                argv,
                launch.environment(requested, allowed, term, peer(session)),
                launch.directory(),
                number(requested.get(Environment.ENV_COLUMNS)),
                number(requested.get(Environment.ENV_LINES)));
    }

    static Launch launch(ChannelSession channel) throws IOException {
        Launch launch = channel.getServerSession().getAttribute(PublicKeyLogin.LAUNCH);
        if (launch == null) {
            throw new IOException("session has no authenticated user");
        }
        return launch;
    }

    private static Launch.Peer peer(ServerSession session) {
        InetSocketAddress client = inet(session.getClientAddress());
        InetSocketAddress server = inet(session.getLocalAddress());
        return new Launch.Peer(
                client.getAddress().getHostAddress(),
                client.getPort(),
                server.getAddress().getHostAddress(),
                server.getPort());
    }

    private static InetSocketAddress inet(SocketAddress a) {
        return a instanceof InetSocketAddress i && i.getAddress() != null ? i : new InetSocketAddress("127.0.0.1", 0);
    }

    private static int number(String s) {
        try {
            return s == null ? 0 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

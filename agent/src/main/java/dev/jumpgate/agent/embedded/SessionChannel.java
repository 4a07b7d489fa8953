package dev.jumpgate.agent.embedded;

import java.io.IOException;
import java.util.Map;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.PtyMode;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.channel.ChannelSession;

/**
 * MINA's session channel, told two things it does not track: whether the client asked for a terminal (the
 * {@code pty-req}, not a TERM variable a client could also send with {@code env}), and which {@code env} requests
 * to keep: only what the {@link EnvAllowList} allows ever enters the session.
 */
final class SessionChannel extends ChannelSession {

    private final EnvAllowList allowed;
    private volatile boolean terminal;

    private SessionChannel(EnvAllowList allowed) {
        this.allowed = allowed;
    }

    static ChannelFactory factory(EnvAllowList allowed) {
        return new ChannelFactory() {
            @Override
            public String getName() {
                return "session";
            }

            @Override
            public Channel createChannel(Session session) {
                return new SessionChannel(allowed);
            }
        };
    }

    boolean hasTerminal() {
        return terminal;
    }

    @Override
    protected RequestHandler.Result handlePtyReqParsed(
            String term, int columns, int rows, int width, int height, Map<PtyMode, Integer> modes) throws IOException {
        terminal = true;
        return super.handlePtyReqParsed(term, columns, rows, width, height, modes);
    }

    @Override
    protected RequestHandler.Result handleEnvParsed(String name, String value) throws IOException {
        if (!allowed.allows(name)) {
            return RequestHandler.Result.ReplyFailure; // as sshd does for what AcceptEnv does not name
        }
        return super.handleEnvParsed(name, value);
    }
}

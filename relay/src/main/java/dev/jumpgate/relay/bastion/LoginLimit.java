package dev.jumpgate.relay.bastion;

import dev.jumpgate.transport.AddressLimit;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the SSH connections that have not logged in yet, as OpenSSH's MaxStartups and PerSourceMaxStartups do: at
 * most {@code perSource} from one address and {@code total} in all. Each may sit out the 30 s login timeout, so
 * without a bound a scanner or a flood holds as many sessions (memory, key exchanges) as it opens; with one, a
 * single address cannot take the room that everyone else logs in through. A connection over the bound is closed as
 * soon as its session exists. Counted from the session's creation to its login or its close.
 */
final class LoginLimit implements SessionListener {

    static final int PER_SOURCE = 32;
    static final int TOTAL = 512;

    private static final Logger log = LoggerFactory.getLogger(LoginLimit.class);
    private static final AttributeRepository.AttributeKey<InetAddress> COUNTED =
            new AttributeRepository.AttributeKey<>();

    private final AddressLimit limit;

    LoginLimit(int perSource, int total) {
        this.limit = new AddressLimit(perSource, total);
    }

    @Override
    public void sessionCreated(Session session) {
        InetAddress source = source(session.getIoSession().getRemoteAddress());
        if (source == null) {
            return;
        }
        if (limit.tryAdd(source) != AddressLimit.Verdict.COUNTED) {
            if (limit.warningDue()) {
                log.warn(
                        "ssh: closing connections not yet logged in beyond {} per address or {} in all "
                                + "(latest from {}; {} closed so far)",
                        limit.perAddress(),
                        limit.total(),
                        source.getHostAddress(),
                        limit.refused());
            }
            session.close(true);
            return;
        }
        session.setAttribute(COUNTED, source);
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event == Event.Authenticated) {
            release(session);
        }
    }

    @Override
    public void sessionClosed(Session session) {
        release(session);
    }

    /** Connections from {@code source} counted now (for tests). */
    int pending(InetAddress source) {
        return limit.count(source);
    }

    private void release(Session session) {
        InetAddress source = session.removeAttribute(COUNTED);
        if (source != null) {
            limit.remove(source);
        }
    }

    private static InetAddress source(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}

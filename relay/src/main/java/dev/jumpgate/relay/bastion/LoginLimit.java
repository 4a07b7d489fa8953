package dev.jumpgate.relay.bastion;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
    private static final AttributeRepository.AttributeKey<InetAddress> COUNTED = new AttributeRepository.AttributeKey<>();
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int perSource;
    private final int total;
    private final ConcurrentHashMap<InetAddress, Integer> bySource = new ConcurrentHashMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong closed = new AtomicLong();
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    LoginLimit(int perSource, int total) {
        this.perSource = perSource;
        this.total = total;
    }

    @Override
    public void sessionCreated(Session session) {
        InetAddress source = source(session.getIoSession().getRemoteAddress());
        if (source == null) {
            return;
        }
        // Sessions are created one after another as the acceptor takes connections, so check-then-count holds.
        if (bySource.getOrDefault(source, 0) >= perSource || pending.get() >= total) {
            long n = closed.incrementAndGet();
            long now = System.nanoTime();
            long last = lastLog.get();
            // One line a minute at most: a flood must not become a flood of log lines.
            if (now - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, now)) {
                log.warn("ssh: closing connections not yet logged in beyond {} per address or {} in all "
                        + "(latest from {}; {} closed so far)", perSource, total, source.getHostAddress(), n);
            }
            session.close(true);
            return;
        }
        session.setAttribute(COUNTED, source);
        bySource.merge(source, 1, Integer::sum);
        pending.incrementAndGet();
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
        return bySource.getOrDefault(source, 0);
    }

    private void release(Session session) {
        InetAddress source = session.removeAttribute(COUNTED);
        if (source != null) {
            bySource.computeIfPresent(source, (k, n) -> n > 1 ? n - 1 : null);
            pending.decrementAndGet();
        }
    }

    private static InetAddress source(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}

package dev.jumpgate.agent.embedded;

import dev.jumpgate.protocol.LogText;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sshd's ClientAliveInterval: every interval each authenticated session asks its client for a sign of life
 * ({@code keepalive@openssh.com}, which OpenSSH answers with a failure, and any answer will do), and a session
 * whose client left {@link #MAX_UNANSWERED} in a row unanswered is closed. The relay's link has a keepalive of its
 * own, but only the user's client can say it is still there: a laptop that went to sleep keeps its relay
 * connection half-open, and without this its shell would run on for hours.
 */
final class Keepalive implements SessionListener {

    private static final Logger log = LoggerFactory.getLogger(Keepalive.class);
    static final int MAX_UNANSWERED = 3;
    private static final String REQUEST = "keepalive@openssh.com";
    private static final AttributeKey<ScheduledFuture<?>> TASK = new AttributeKey<>();

    private final Duration interval;
    private final ScheduledExecutorService timer;

    Keepalive(Duration interval, ScheduledExecutorService timer) {
        this.interval = interval;
        this.timer = timer;
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event != Event.Authenticated || interval.isZero() || session.getAttribute(TASK) != null) {
            return;
        }
        AtomicInteger unanswered = new AtomicInteger();
        long millis = interval.toMillis();
        session.setAttribute(
                TASK,
                timer.scheduleWithFixedDelay(() -> ask(session, unanswered), millis, millis, TimeUnit.MILLISECONDS));
    }

    private void ask(Session session, AtomicInteger unanswered) {
        if (!session.isOpen()) {
            return;
        }
        if (unanswered.get() >= MAX_UNANSWERED) {
            log.info(
                    "embedded ssh: the client of {} answered none of {} keepalives in {} s; closing its session",
                    LogText.of(session.getUsername()),
                    MAX_UNANSWERED,
                    interval.toSeconds() * MAX_UNANSWERED);
            session.close(true);
            return;
        }
        unanswered.incrementAndGet();
        try {
            Buffer request = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, REQUEST.length() + 8);
            request.putString(REQUEST);
            request.putBoolean(true);
            session.request(request, REQUEST, (cmd, reply) -> unanswered.set(0));
        } catch (IOException | RuntimeException e) {
            log.debug(
                    "embedded ssh: keepalive to {} not sent: {}",
                    LogText.of(session.getUsername()),
                    LogText.of(e.getMessage()));
        }
    }

    @Override
    public void sessionClosed(Session session) {
        ScheduledFuture<?> task = session.getAttribute(TASK);
        if (task != null) {
            task.cancel(false);
        }
    }
}

package dev.jumpgate.transport.poll;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent → relay direction of a long-poll session: the link's ciphertext is kept in a {@link SendBuffer} and
 * POSTed in ranges, several in flight; a range goes again when its POST fails or the relay stored only part
 * of it, and leaves the buffer when the relay acknowledges it. Runs on the session's event loop.
 */
final class PollUp {

    private static final Logger log = LoggerFactory.getLogger(PollUp.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private record Range(long from, long to) {}

    private final PollClient session;
    private final SendBuffer buffer = new SendBuffer();
    private final ArrayDeque<Range> resend = new ArrayDeque<>();
    /** Every byte below this was POSTed at least once. */
    private long sent;

    private int posts;
    private int maxBody = PollWire.MAX_BODY;

    PollUp(PollClient session) {
        this.session = session;
    }

    /** Kept until acknowledged: what the caller bounds before reading more from its link. */
    long size() {
        return buffer.size();
    }

    void append(ByteBuf ciphertext) {
        buffer.append(ciphertext);
        pump();
    }

    /** Sends what is due (ranges to resend first, then new bytes) while fewer than the limit are in flight. */
    void pump() {
        while (session.open() && posts < PollWire.POSTS_IN_FLIGHT) {
            Range r;
            if (!resend.isEmpty()) {
                Range first = resend.poll();
                long from = Math.max(first.from, buffer.acked());
                if (from >= first.to) {
                    continue;
                }
                r = new Range(from, Math.min(first.to, from + maxBody));
                if (r.to < first.to) {
                    resend.addFirst(new Range(r.to, first.to));
                }
            } else if (sent < buffer.end()) {
                r = new Range(sent, Math.min(buffer.end(), sent + maxBody));
                sent = r.to;
            } else {
                return;
            }
            post(r);
        }
    }

    private void post(Range r) {
        posts++;
        ByteBuf body = buffer.copy(session.alloc(), r.from, (int) (r.to - r.from));
        session.http()
                .send(HttpMethod.POST, session.base() + "/up?seq=" + r.from, body, TIMEOUT, h -> {})
                .addListener(f -> {
                    posts--;
                    if (!f.isSuccess()) {
                        retryLater(r, f.cause());
                        return;
                    }
                    PollHttp.Reply reply = (PollHttp.Reply) f.getNow();
                    try {
                        answered(r, reply);
                    } finally {
                        reply.body().release();
                    }
                });
    }

    private void answered(Range r, PollHttp.Reply reply) {
        switch (reply.status()) {
            case 200 -> {
                session.succeeded();
                long stored = PollClient.number(reply.headers(), PollWire.STORED, r.from);
                buffer.ack(PollClient.number(reply.headers(), PollWire.ACK, buffer.acked()));
                session.readIfRoom();
                if (stored < r.to) {
                    // The relay had no room for all of it (it waits for an earlier range): later.
                    retryLater(new Range(Math.max(stored, r.from), r.to), null);
                } else {
                    pump();
                }
            }
            case 413 -> {
                maxBody = Math.max(PollWire.MIN_BODY, maxBody / 2);
                log.info(
                        "long-poll: {} refused a body as too large; sending at most {} bytes",
                        session.where(),
                        maxBody);
                resend.addFirst(r);
                pump();
            }
            default -> {
                if (PollClient.fatal(reply)) {
                    session.die(session.statusError(reply, "a POST " + r.from + ".." + r.to));
                } else {
                    log.info("long-poll: {} answered {} to a POST; sending it again", session.where(), reply.status());
                    retryLater(r, new IOException("status " + reply.status()));
                }
            }
        }
    }

    private void retryLater(Range r, Throwable cause) {
        if (cause != null) {
            log.debug("long-poll POST {}..{} failed ({}), sending it again", r.from, r.to, cause.toString());
        }
        session.later(() -> {
            resend.add(r);
            pump();
        });
    }

    void release() {
        buffer.release();
        resend.clear();
    }
}

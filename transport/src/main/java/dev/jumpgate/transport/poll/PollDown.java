package dev.jumpgate.transport.poll;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay → agent direction of a long-poll session: a GET always waits on the relay, and the next one goes out
 * as soon as an answer's headers say where it ends; answers are put in order by a {@link Reassembly}. When
 * bytes arrive after a gap that no GET in flight will fill (an answer was lost or cut), one more GET asks from
 * the first byte not received. No GET goes out while the link has not taken what was delivered to it (its end of
 * the pipe is unwritable): the relay keeps the bytes meanwhile, and HTTP/2's windows push back on the sender.
 * Runs on the session's event loop.
 */
final class PollDown {

    private static final Logger log = LoggerFactory.getLogger(PollDown.class);

    private final PollClient session;
    private final Reassembly received = new Reassembly(PollWire.RECEIVE_WINDOW);
    private final List<Long> inFlight = new ArrayList<>(4);
    /** Where the next GET starts, unless a gap needs filling: the end of the last answer seen. */
    private long from;

    PollDown(PollClient session) {
        this.session = session;
    }

    void get() {
        if (!session.open()) {
            return;
        }
        long start = gapOpen() ? received.next() : from;
        inFlight.add(start);
        Consumer<HttpResponse> onHeaders = h -> {
            if (h.status().code() == 200 && h.headers().contains(PollWire.SEQ)) {
                long end = PollClient.number(h.headers(), PollWire.SEQ, start) + HttpUtil.getContentLength(h, 0L);
                from = Math.max(from, end);
                if (end > start && inFlight.size() < PollWire.GETS_IN_FLIGHT && session.linkTakes()) {
                    get(); // the next one parks on the relay while this body is still arriving
                }
            }
        };
        session.http()
                .send(
                        HttpMethod.GET,
                        session.base() + "/down?from=" + start + "&ack=" + received.next(),
                        Unpooled.EMPTY_BUFFER,
                        PollWire.PARK.plusSeconds(15),
                        onHeaders)
                .addListener(f -> {
                    inFlight.remove(start);
                    if (!f.isSuccess()) {
                        log.debug(
                                "long-poll GET from {} failed: {}",
                                start,
                                f.cause().toString());
                        session.later(this::refill);
                        return;
                    }
                    PollHttp.Reply r = (PollHttp.Reply) f.getNow();
                    try {
                        if (r.status() == 200) {
                            session.succeeded();
                            deliver(PollClient.number(r.headers(), PollWire.SEQ, start), r.body());
                            refill(); // a GET sent on this one's headers may already be back
                        } else if (PollClient.fatal(r)) {
                            session.die(session.statusError(r, "a GET from " + start));
                        } else {
                            log.info("long-poll: {} answered {} to a GET; asking again", session.where(), r.status());
                            session.later(this::refill);
                        }
                    } finally {
                        r.body().release();
                    }
                });
    }

    /** Bytes after a gap have arrived and no GET in flight starts at or before the gap. */
    private boolean gapOpen() {
        long next = received.next();
        return next < from && inFlight.stream().noneMatch(s -> s <= next);
    }

    /** Keeps one GET waiting on the relay, and one more filling a gap if there is one, while the link takes. */
    void refill() {
        if (!session.linkTakes()) {
            return; // PollClient calls again when the link has taken what it was given
        }
        if (inFlight.isEmpty() || gapOpen() && inFlight.size() <= PollWire.GETS_IN_FLIGHT) {
            get();
        }
    }

    private void deliver(long seq, ByteBuf body) {
        List<ByteBuf> ready = new ArrayList<>(2);
        received.offer(seq, body, ready);
        ready.forEach(session::toLink);
        if (!ready.isEmpty()) {
            session.flushToLink();
        }
    }

    void release() {
        received.release();
    }
}

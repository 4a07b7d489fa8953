package dev.jumpgate.transport.poll;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's end of one long-poll session: the pump end of a local channel pair whose other end carries the
 * link (TLS, handshake, HTTP/2) like any accepted connection. Bytes the link writes wait in a
 * {@link SendBuffer} for GETs; bytes POSTed up are put in order by a {@link Reassembly} and written to the link.
 * Every method runs on the session's event loop.
 */
final class PollSession extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(PollSession.class);

    /** What a request gets back; the HTTP layer turns it into a response. */
    sealed interface Answer {
        record Down(long seq, ByteBuf body) implements Answer {}

        record Up(long stored, long ack) implements Answer {}

        /** The session is over (404 if never known, 410 here). */
        record Gone() implements Answer {}
    }

    private record Parked(long from, Consumer<Answer> reply, ScheduledFuture<?> timeout) {}

    final String id;
    private final SendBuffer down = new SendBuffer();
    private final Reassembly up;
    private final ArrayDeque<Parked> parked = new ArrayDeque<>();
    private final Duration unlinkedLife;
    private final Runnable onLinked;
    private final Runnable onFinished;
    private volatile ChannelHandlerContext ctx;
    private volatile boolean linked;
    private long lastRequest = System.nanoTime();
    private boolean linkClosed;
    private boolean finished;
    private ScheduledFuture<?> expiry;

    /**
     * @param up holds what arrives early; small until the link authenticates
     * @param unlinkedLife how long the session lives unless its link authenticates
     * @param onLinked told once the link has authenticated
     * @param onFinished told once the session is over
     */
    PollSession(String id, Reassembly up, Duration unlinkedLife, Runnable onLinked, Runnable onFinished) {
        this.id = id;
        this.up = up;
        this.unlinkedLife = unlinkedLife;
        this.onLinked = onLinked;
        this.onFinished = onFinished;
    }

    Channel channel() {
        return ctx.channel();
    }

    /** Set up on its channel; until then it has no event loop to run requests on. */
    boolean isReady() {
        return ctx != null;
    }

    /** Its link has authenticated: requests for it come from a device or user the relay knows. */
    boolean isLinked() {
        return linked;
    }

    /** The link end authenticated (on the session's loop): the sender may now run a full window ahead. */
    void linked() {
        if (finished) {
            return;
        }
        linked = true;
        up.widen(PollWire.RECEIVE_WINDOW);
        onLinked.run();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.channel().config().setAutoRead(false);
        long every = TimeUnit.SECONDS.toNanos(5);
        expiry = ctx.executor().scheduleAtFixedRate(this::expire, every, every, TimeUnit.NANOSECONDS);
        // Whoever opens a session without ever linking must not keep its place in the table.
        ctx.executor()
                .schedule(
                        () -> {
                            if (!linked) {
                                ctx.close();
                                linkClosed = true;
                                finish();
                            }
                        },
                        unlinkedLife.toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
    }

    /** Bytes the link wrote, for the agent. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (finished) {
            ((ByteBuf) msg).release();
            return;
        }
        down.append((ByteBuf) msg);
        answerParked();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readIfRoom();
    }

    private void readIfRoom() {
        if (!linkClosed && down.size() < PollWire.SEND_LIMIT) {
            ctx.read();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // The link is gone; what it wrote last (a refusal, a TLS alert) is still owed to the agent.
        linkClosed = true;
        answerParked();
    }

    void up(long seq, ByteBuf body, Consumer<Answer> reply) {
        lastRequest = System.nanoTime();
        if (linkClosed) {
            reply.accept(new Answer.Gone());
            return;
        }
        long end = seq + body.readableBytes();
        if (!ctx.channel().isWritable()) {
            // The link has not taken what it was given: keep nothing new, the sender resends later.
            reply.accept(new Answer.Up(Math.min(end, Math.max(seq, up.next())), up.next()));
            return;
        }
        List<ByteBuf> deliver = new ArrayList<>(2);
        long stored;
        try {
            stored = up.offer(seq, body, deliver);
        } catch (Reassembly.OverflowException e) {
            // Debug only: whoever does this on purpose does it by the thousand, and a flood must not flood the log.
            log.debug("long-poll session {}… closed: {}", id.substring(0, 6), e.getMessage());
            ctx.close();
            linkClosed = true;
            finish();
            reply.accept(new Answer.Gone());
            return;
        }
        for (ByteBuf b : deliver) {
            ctx.write(b);
        }
        if (!deliver.isEmpty()) {
            ctx.flush();
        }
        reply.accept(new Answer.Up(stored, up.next()));
    }

    void down(long from, long ack, Consumer<Answer> reply) {
        lastRequest = System.nanoTime();
        down.ack(ack);
        readIfRoom();
        long start = Math.max(from, down.acked());
        if (start < down.end()) {
            reply.accept(new Answer.Down(start, down.copy(ctx.alloc(), start, PollWire.MAX_BODY)));
            return;
        }
        if (linkClosed) {
            reply.accept(new Answer.Gone());
            maybeFinish();
            return;
        }
        while (parked.size() >= PollWire.GETS_IN_FLIGHT) {
            // A proxy may have dropped the oldest without telling us; answer it empty rather than pile up.
            Parked old = parked.pollFirst();
            old.timeout.cancel(false);
            old.reply.accept(new Answer.Down(old.from, ctx.alloc().buffer(0)));
        }
        Parked[] self = new Parked[1];
        ScheduledFuture<?> timeout = ctx.executor()
                .schedule(
                        () -> {
                            if (parked.remove(self[0])) {
                                self[0].reply.accept(
                                        new Answer.Down(start, ctx.alloc().buffer(0)));
                            }
                        },
                        PollWire.PARK.toMillis(),
                        TimeUnit.MILLISECONDS);
        self[0] = new Parked(start, reply, timeout);
        parked.add(self[0]);
    }

    private void answerParked() {
        for (Parked p; (p = parked.peekFirst()) != null; ) {
            long start = Math.max(p.from, down.acked());
            if (start < down.end()) {
                parked.pollFirst().timeout.cancel(false);
                p.reply.accept(new Answer.Down(start, down.copy(ctx.alloc(), start, PollWire.MAX_BODY)));
            } else if (linkClosed) {
                parked.pollFirst().timeout.cancel(false);
                p.reply.accept(new Answer.Gone());
            } else {
                return;
            }
        }
    }

    /** The agent said it is done. */
    void close() {
        lastRequest = System.nanoTime();
        ctx.close();
    }

    private void expire() {
        long idle = System.nanoTime() - lastRequest;
        if (parked.isEmpty() && idle > PollWire.SESSION_IDLE.toNanos()) {
            ctx.close();
            linkClosed = true;
            finish();
        }
        maybeFinish();
    }

    /** Forget a closed session once the agent has everything, or once it stopped asking. */
    private void maybeFinish() {
        if (linkClosed && (down.size() == 0 || System.nanoTime() - lastRequest > PollWire.PARK.toNanos())) {
            finish();
        }
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        expiry.cancel(false);
        parked.forEach(p -> {
            p.timeout.cancel(false);
            p.reply.accept(new Answer.Gone());
        });
        parked.clear();
        down.release();
        up.release();
        ctx.channel().close();
        onFinished.run();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}

package dev.jumpgate.transport.poll;

import dev.jumpgate.transport.pipe.ProxyFailures;
import dev.jumpgate.transport.pipe.Route;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's end of a long-poll session: the pump end of a local channel pair whose other end carries the link
 * (TLS, handshake, HTTP/2). Bytes the link writes are POSTed up in ranges, several in flight, each kept until the
 * relay acknowledges it; a GET is always waiting on the relay for bytes down, and the next one goes out as soon
 * as a response's headers say where it ends. Lost, repeated or cut requests are simply sent again: offsets make
 * that harmless. Every method runs on the pair's event loop.
 */
public final class PollClient extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(PollClient.class);
    private static final Duration POST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration GET_TIMEOUT = PollWire.PARK.plusSeconds(15);

    private record Range(long from, long to) {
    }

    private final Route route;
    private final SslContext tls;
    private final Consumer<Throwable> onFailure;
    private final SendBuffer up = new SendBuffer();
    private final ArrayDeque<Range> resend = new ArrayDeque<>();
    private final Reassembly down = new Reassembly(PollWire.RECEIVE_WINDOW);
    private ChannelHandlerContext ctx;
    private PollHttp http;
    private String base;
    private long upSent;
    private int posts;
    private int gets;
    private long downFrom;
    private final List<Long> getsFrom = new ArrayList<>(4);
    private int maxBody = PollWire.MAX_BODY;
    private int failures;
    private long lastSuccess = System.nanoTime();
    private boolean done;
    private java.util.concurrent.ScheduledFuture<?> watcher;

    private final io.netty.util.concurrent.Promise<Void> finished;

    /**
     * @param onFailure told why, when the session cannot open or dies; the link end closes after it
     * @param finished completed once the relay was told the session is over (or could not be)
     */
    public PollClient(Route route, SslContext tls, Consumer<Throwable> onFailure,
            io.netty.util.concurrent.Promise<Void> finished) {
        this.route = route;
        this.tls = tls;
        this.onFailure = onFailure;
        this.finished = finished;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.channel().config().setAutoRead(false);
        http = new PollHttp((EventLoop) ctx.executor(), route, tls);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        http.send(HttpMethod.POST, PollWire.PREFIX, Unpooled.EMPTY_BUFFER, POST_TIMEOUT, h -> { }).addListener(f -> {
            if (!f.isSuccess()) {
                die(f.cause());
                return;
            }
            PollHttp.Reply r = (PollHttp.Reply) f.getNow();
            try {
                if (r.status() != 200) {
                    die(statusError(r.status(), "opening a long-poll session"));
                    return;
                }
                String id = r.body().toString(StandardCharsets.US_ASCII).strip();
                if (!id.matches("[A-Za-z0-9_-]{16,64}")) {
                    die(new IOException(route.pollBase() + " did not answer like a jumpgate relay"));
                    return;
                }
                base = PollWire.PREFIX + "/" + id;
                succeeded();
                watcher = ctx.executor().scheduleAtFixedRate(this::watch, 5, 5, TimeUnit.SECONDS);
                get();
                pumpUp();
            } finally {
                r.body().release();
            }
        });
    }

    /** Ciphertext the link wrote: keep it, send it. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done) {
            ((ByteBuf) msg).release();
            return;
        }
        up.append((ByteBuf) msg);
        pumpUp();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readIfRoom();
    }

    private void readIfRoom() {
        if (!done && up.size() < PollWire.SEND_LIMIT) {
            ctx.read();
        }
    }

    private void pumpUp() {
        while (base != null && !done && posts < PollWire.POSTS_IN_FLIGHT) {
            Range r;
            if (!resend.isEmpty()) {
                Range first = resend.poll();
                long from = Math.max(first.from, up.acked());
                if (from >= first.to) {
                    continue;
                }
                r = new Range(from, Math.min(first.to, from + maxBody));
                if (r.to < first.to) {
                    resend.addFirst(new Range(r.to, first.to));
                }
            } else if (upSent < up.end()) {
                r = new Range(upSent, Math.min(up.end(), upSent + maxBody));
                upSent = r.to;
            } else {
                return;
            }
            post(r);
        }
    }

    private void post(Range r) {
        posts++;
        ByteBuf body = up.copy(ctx.alloc(), r.from, (int) (r.to - r.from));
        http.send(HttpMethod.POST, base + "/up?seq=" + r.from, body, POST_TIMEOUT, h -> { }).addListener(f -> {
            posts--;
            if (!f.isSuccess()) {
                retryLater(r, f.cause());
                return;
            }
            PollHttp.Reply reply = (PollHttp.Reply) f.getNow();
            String said = reply.body().toString(StandardCharsets.US_ASCII);
            reply.body().release();
            switch (reply.status()) {
                case 200 -> {
                    succeeded();
                    long stored = number(reply.headers(), PollWire.STORED, r.from);
                    up.ack(number(reply.headers(), PollWire.ACK, up.acked()));
                    readIfRoom();
                    if (stored < r.to) {
                        // The relay had no room for all of it (it is waiting for an earlier range): later.
                        retryLater(new Range(Math.max(stored, r.from), r.to), null);
                    } else {
                        pumpUp();
                    }
                }
                case 413 -> {
                    maxBody = Math.max(PollWire.MIN_BODY, maxBody / 2);
                    log.info("long-poll: {} refused a body as too large; sending at most {} bytes", route.pollBase(),
                            maxBody);
                    resend.addFirst(r);
                    pumpUp();
                }
                default -> {
                    if (fatal(reply)) {
                        die(statusError(reply.status(), "a POST " + r.from + ".." + r.to + ": " + said));
                    } else {
                        log.info("long-poll: {} answered {} to a POST; sending it again", route.pollBase(),
                                reply.status());
                        retryLater(r, new IOException("status " + reply.status()));
                    }
                }
            }
        });
    }

    private void retryLater(Range r, Throwable cause) {
        failures++;
        if (cause != null) {
            log.debug("long-poll POST {}..{} failed ({}), sending it again", r.from, r.to, cause.toString());
        }
        long delay = Math.min(2000, 50L << Math.min(failures, 6));
        ctx.executor().schedule(() -> {
            resend.add(r);
            pumpUp();
        }, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * Sends one GET: from the first byte not received when a hole has opened that no GET in flight will fill (its
     * answer was lost or cut), else from where the last answer ended.
     */
    private void get() {
        if (done) {
            return;
        }
        long from = holeOpen() ? down.next() : downFrom;
        gets++;
        getsFrom.add(from);
        Consumer<HttpResponse> onHeaders = h -> {
            if (h.status().code() == 200 && h.headers().contains(PollWire.SEQ)) {
                long end = number(h.headers(), PollWire.SEQ, from) + HttpUtil.getContentLength(h, 0L);
                downFrom = Math.max(downFrom, end);
                if (end > from && gets < PollWire.GETS_IN_FLIGHT) {
                    get(); // the next one parks on the relay while this body is still arriving
                }
            }
        };
        http.send(HttpMethod.GET, base + "/down?from=" + from + "&ack=" + down.next(), Unpooled.EMPTY_BUFFER,
                GET_TIMEOUT, onHeaders).addListener(f -> {
                    gets--;
                    getsFrom.remove(from);
                    if (!f.isSuccess()) {
                        log.debug("long-poll GET from {} failed: {}", from, f.cause().toString());
                        refillLater();
                        return;
                    }
                    PollHttp.Reply r = (PollHttp.Reply) f.getNow();
                    try {
                        if (r.status() == 200) {
                            succeeded();
                            deliver(number(r.headers(), PollWire.SEQ, from), r.body());
                            refill(); // a GET sent on this one's headers may already be back
                        } else if (fatal(r)) {
                            die(statusError(r.status(), "a GET from " + from + ": "
                                    + r.body().toString(StandardCharsets.US_ASCII)));
                        } else {
                            log.info("long-poll: {} answered {} to a GET; asking again", route.pollBase(), r.status());
                            refillLater();
                        }
                    } finally {
                        r.body().release();
                    }
                });
    }

    /** Bytes after a gap have arrived and no GET in flight starts at or before the gap. */
    private boolean holeOpen() {
        long next = down.next();
        return next < downFrom && getsFrom.stream().noneMatch(f -> f <= next);
    }

    /** Keeps one GET waiting on the relay, and one more filling a hole if there is one. */
    private void refill() {
        if (gets == 0 || holeOpen() && gets <= PollWire.GETS_IN_FLIGHT) {
            get();
        }
    }

    private void refillLater() {
        failures++;
        long delay = Math.min(2000, 50L << Math.min(failures, 6));
        ctx.executor().schedule(this::refill, delay, TimeUnit.MILLISECONDS);
    }

    private void deliver(long seq, ByteBuf body) {
        List<ByteBuf> ready = new ArrayList<>(2);
        down.offer(seq, body, ready);
        if (ready.isEmpty()) {
            return;
        }
        ready.forEach(ctx::write);
        ctx.flush();
    }

    /** A non-negative number header, or {@code otherwise} if it is missing or not one. */
    private static long number(io.netty.handler.codec.http.HttpHeaders headers, String name, long otherwise) {
        try {
            String v = headers.get(name);
            long n = v == null ? otherwise : Long.parseLong(v.strip());
            return n < 0 ? otherwise : n;
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /**
     * The relay said the session is over, or the proxy will not pass us; anything else (a proxy's 502 or 404
     * page, a 400) may pass when sent again.
     */
    private static boolean fatal(PollHttp.Reply r) {
        return r.headers().contains(PollWire.ENDED) || r.status() == 401 || r.status() == 407 || r.status() == 403;
    }

    private Throwable statusError(int status, String what) {
        return switch (status) {
            case 404, 410 -> new IOException("the relay ended the long-poll session (" + status + " to " + what + ")");
            default -> route.proxy().filter(p -> status == 401 || status == 407 || status == 403)
                    .<Throwable>map(p -> ProxyFailures.refused(p, status, "requests to " + route.pollBase()))
                    .orElseGet(() -> new IOException(route.pollBase() + " answered " + status + " to " + what));
        };
    }

    private void succeeded() {
        failures = 0;
        lastSuccess = System.nanoTime();
    }

    private void watch() {
        if (!done && System.nanoTime() - lastSuccess > PollWire.GIVE_UP.toNanos()) {
            die(new IOException("no long-poll request reached the relay for " + PollWire.GIVE_UP.toSeconds() + " s"));
        }
    }

    private void die(Throwable cause) {
        if (done) {
            return;
        }
        done = true;
        if (base != null) {
            log.warn("long-poll session to {} ended: {}", route.pollBase(), cause.getMessage());
        }
        onFailure.accept(cause);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done && base != null) {
            http.send(HttpMethod.POST, base + "/close", Unpooled.EMPTY_BUFFER, Duration.ofSeconds(5), h -> { })
                    .addListener(f -> {
                        if (f.isSuccess()) {
                            ((PollHttp.Reply) f.getNow()).body().release();
                        }
                        http.close();
                        finished.trySuccess(null);
                    });
        } else {
            http.close();
            finished.trySuccess(null);
        }
        done = true;
        if (watcher != null) {
            watcher.cancel(false);
        }
        up.release();
        down.release();
        resend.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        die(cause);
    }
}

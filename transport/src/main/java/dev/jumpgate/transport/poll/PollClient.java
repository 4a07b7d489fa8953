package dev.jumpgate.transport.poll;

import dev.jumpgate.transport.Route;
import dev.jumpgate.transport.proxy.ProxyFailures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's end of a long-poll session: the pump end of a pipe pair whose other end carries the link (TLS,
 * handshake, HTTP/2). It opens the session, then {@link PollUp} POSTs what the link writes and {@link PollDown}
 * GETs what the relay has for it. Lost, repeated or cut requests are simply sent again: offsets make that
 * harmless. Every method runs on the pair's event loop, which also runs every HTTP connection of the session.
 */
public final class PollClient extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(PollClient.class);

    private final Route route;
    private final SslContext tls;
    private final Consumer<Throwable> onFailure;
    private final Promise<Void> finished;
    private final PollUp up = new PollUp(this);
    private final PollDown down = new PollDown(this);
    private ChannelHandlerContext ctx;
    private PollHttp http;
    private String base;
    private int failures;
    private long lastSuccess = System.nanoTime();
    private boolean done;
    private ScheduledFuture<?> watcher;

    /**
     * @param onFailure told why, when the session cannot open or dies; the link end closes after it
     * @param finished completed once the relay was told the session is over (or could not be)
     */
    public PollClient(Route route, SslContext tls, Consumer<Throwable> onFailure, Promise<Void> finished) {
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
        http.send(HttpMethod.POST, PollWire.PREFIX, Unpooled.EMPTY_BUFFER, Duration.ofSeconds(30), h -> {})
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        die(f.cause());
                        return;
                    }
                    PollHttp.Reply r = (PollHttp.Reply) f.getNow();
                    try {
                        opened(r);
                    } finally {
                        r.body().release();
                    }
                });
    }

    private void opened(PollHttp.Reply r) {
        if (r.status() != 200) {
            die(statusError(r, "opening a long-poll session"));
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
        down.get();
        up.pump(); // what the link wrote while the session opened (its TLS ClientHello)
    }

    /** Ciphertext the link wrote: keep it, send it. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done) {
            ((ByteBuf) msg).release();
            return;
        }
        up.append((ByteBuf) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readIfRoom();
    }

    /** Reads more of the link only while little enough is unacknowledged: the push-back on the link. */
    void readIfRoom() {
        if (!done && up.size() < PollWire.SEND_LIMIT) {
            ctx.read();
        }
    }

    boolean open() {
        return base != null && !done;
    }

    PollHttp http() {
        return http;
    }

    String base() {
        return base;
    }

    ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    Object where() {
        return route.pollBase();
    }

    /** Whether the link has taken what was written to it, so that more may be fetched from the relay. */
    boolean linkTakes() {
        return ctx.channel().isWritable();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (open() && ctx.channel().isWritable()) {
            down.refill();
        }
        ctx.fireChannelWritabilityChanged();
    }

    void toLink(ByteBuf bytes) {
        ctx.write(bytes);
    }

    void flushToLink() {
        ctx.flush();
    }

    /** Runs {@code r} after a backoff that grows with the failures since the last success (50 ms to 2 s). */
    void later(Runnable r) {
        failures++;
        long delay = Math.min(2000, 50L << Math.min(failures, 6));
        ctx.executor().schedule(r, delay, TimeUnit.MILLISECONDS);
    }

    void succeeded() {
        failures = 0;
        lastSuccess = System.nanoTime();
    }

    /** A non-negative number header, or {@code otherwise} if it is missing or not one. */
    static long number(HttpHeaders headers, String name, long otherwise) {
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
    static boolean fatal(PollHttp.Reply r) {
        return r.headers().contains(PollWire.ENDED) || r.status() == 401 || r.status() == 407 || r.status() == 403;
    }

    Throwable statusError(PollHttp.Reply r, String what) {
        int status = r.status();
        if (r.headers().contains(PollWire.ENDED)) {
            return new IOException("the relay ended the long-poll session (" + status + " to " + what + ": "
                    + r.body().toString(StandardCharsets.US_ASCII) + ")");
        }
        return route.proxy()
                .filter(p -> status == 401 || status == 407 || status == 403)
                .<Throwable>map(p -> ProxyFailures.refused(p, status, "requests to " + route.pollBase()))
                .orElseGet(() -> new IOException(route.pollBase() + " answered " + status + " to " + what));
    }

    private void watch() {
        if (!done && System.nanoTime() - lastSuccess > PollWire.GIVE_UP.toNanos()) {
            die(new IOException("no long-poll request reached the relay for " + PollWire.GIVE_UP.toSeconds() + " s"));
        }
    }

    void die(Throwable cause) {
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

    /** The link closed: tell the relay (so the device goes offline now, not at expiry), then free everything. */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done && base != null) {
            http.send(HttpMethod.POST, base + "/close", Unpooled.EMPTY_BUFFER, Duration.ofSeconds(5), h -> {})
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
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        die(cause);
    }
}

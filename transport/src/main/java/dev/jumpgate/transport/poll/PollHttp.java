package dev.jumpgate.transport.poll;

import dev.jumpgate.transport.Route;
import dev.jumpgate.transport.Tunnels;
import dev.jumpgate.transport.proxy.HttpProxy;
import dev.jumpgate.transport.proxy.ProxyFailures;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The agent's HTTP/1.1 client for long-poll requests: one request per connection at a time, idle connections
 * kept for the next request. Plain-HTTP routes through a proxy send absolute-form requests to it (with Basic
 * credentials); HTTPS routes tunnel through it with CONNECT. Every method runs on one event loop.
 */
final class PollHttp {

    /** A response: status, headers and the whole body (owned by the receiver). */
    record Reply(int status, HttpHeaders headers, ByteBuf body) {}

    private static final int CONNECT_TIMEOUT_MS = 10_000;
    /** Keep no connection idle longer than proxies commonly do (30 s and up). */
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(20);

    private static final int MAX_CONNECTIONS = 8;

    private record Idle(Channel channel, long since) {}

    private final EventLoop loop;
    private final Route route;
    private final SslContext tls;
    private final String authority;
    private final ArrayDeque<Idle> idle = new ArrayDeque<>();
    private int open;
    private boolean closed;

    PollHttp(EventLoop loop, Route route, SslContext tls) {
        this.loop = loop;
        this.route = route;
        this.tls = tls;
        this.authority = route.pollBase().getRawAuthority();
    }

    /**
     * Sends a request; {@code onHeaders} sees the response's status line and headers before its body arrives.
     * The future fails on any I/O error or timeout; a refusal by the proxy fails with its explanation.
     */
    Future<Reply> send(
            HttpMethod method, String pathAndQuery, ByteBuf body, Duration timeout, Consumer<HttpResponse> onHeaders) {
        Promise<Reply> reply = loop.newPromise();
        if (closed) {
            body.release();
            reply.setFailure(new ClosedChannelException());
            return reply;
        }
        String target = route.plainHttp() && route.proxy().isPresent()
                ? route.pollBase().toString() + pathAndQuery
                : pathAndQuery;
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, target, body);
        req.headers()
                .set(HttpHeaderNames.HOST, authority)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set(HttpHeaderNames.PRAGMA, "no-cache")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (body.isReadable()) {
            req.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
        }
        if (route.plainHttp()) {
            route.proxy()
                    .flatMap(HttpProxy::basicAuthorization)
                    .ifPresent(a -> req.headers().set(HttpHeaderNames.PROXY_AUTHORIZATION, a));
        }
        Channel ch = takeIdle();
        if (ch != null) {
            exchange(ch, req, timeout, onHeaders, reply);
            return reply;
        }
        if (open >= MAX_CONNECTIONS) {
            req.release();
            reply.setFailure(new IOException("too many long-poll requests at once"));
            return reply;
        }
        open++;
        connect().addListener(f -> {
            if (!f.isSuccess()) {
                open--;
                req.release();
                reply.tryFailure(explain(f.cause()));
                return;
            }
            Channel c = (Channel) f.getNow();
            c.closeFuture()
                    .addListener(x -> loop.execute(() -> {
                        open--;
                        idle.removeIf(i -> i.channel == c);
                    }));
            exchange(c, req, timeout, onHeaders, reply);
        });
        return reply;
    }

    private Channel takeIdle() {
        for (Idle i; (i = idle.pollLast()) != null; ) {
            if (i.channel.isActive() && System.nanoTime() - i.since < IDLE_NANOS) {
                return i.channel;
            }
            i.channel.close();
        }
        return null;
    }

    private Throwable explain(Throwable cause) {
        String what = route.plainHttp() ? "requests to " + route.pollBase() : "CONNECT to " + route.destination();
        return route.proxy().map(p -> ProxyFailures.explain(p, what, cause)).orElse(cause);
    }

    /** A connection ready for a request: TCP, then a CONNECT tunnel and TLS if the route needs them. */
    private Future<Channel> connect() {
        Promise<Channel> ready = loop.newPromise();
        boolean https = !route.plainHttp();
        var destination = route.destination();
        var proxy = route.proxy();
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (https && proxy.isPresent()) {
                            ch.pipeline().addLast("proxy", Tunnels.connectHandler(proxy.get()));
                        }
                        if (https) {
                            ch.pipeline()
                                    .addLast("tls", tls.newHandler(ch.alloc(), destination.host(), destination.port()));
                        }
                        ch.pipeline().addLast("http", new HttpClientCodec());
                        ch.pipeline().addLast("ready", new Ready(ready));
                    }
                });
        var connect = Tunnels.connect(b, route);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                ready.tryFailure(f.cause());
            }
        });
        return ready;
    }

    /** Completes when the pipe is usable: at once for plain HTTP, after TLS (and CONNECT) otherwise. */
    private static final class Ready extends ChannelInboundHandlerAdapter {
        private final Promise<Channel> ready;

        Ready(Promise<Channel> ready) {
            this.ready = ready;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            if (ctx.pipeline().get("tls") == null) {
                ready.trySuccess(ctx.channel());
            }
            super.channelActive(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent done) {
                if (done.isSuccess()) {
                    ready.trySuccess(ctx.channel());
                } else {
                    ready.tryFailure(done.cause());
                    ctx.close();
                }
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ready.tryFailure(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            ready.tryFailure(new IOException("connection closed before it was ready"));
            super.channelInactive(ctx);
        }
    }

    private void exchange(
            Channel ch, FullHttpRequest req, Duration timeout, Consumer<HttpResponse> onHeaders, Promise<Reply> reply) {
        ch.pipeline().replace("ready", "ready", new Exchange(onHeaders, reply));
        ScheduledFuture<?> timer = loop.schedule(
                () -> {
                    if (reply.tryFailure(new IOException("no answer within " + timeout.toSeconds() + " s"))) {
                        ch.close();
                    }
                },
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        reply.addListener(f -> timer.cancel(false));
        ch.writeAndFlush(req).addListener(f -> {
            if (!f.isSuccess()) {
                reply.tryFailure(f.cause());
                ch.close();
            }
        });
    }

    /** Collects one response; hands the connection back to the pool when it may be reused. */
    private final class Exchange extends ChannelInboundHandlerAdapter {
        private final Consumer<HttpResponse> onHeaders;
        private final Promise<Reply> reply;
        private HttpResponse head;
        private CompositeByteBuf body;

        Exchange(Consumer<HttpResponse> onHeaders, Promise<Reply> reply) {
            this.onHeaders = onHeaders;
            this.reply = reply;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse r) {
                    head = r;
                    body = ctx.alloc().compositeBuffer(64);
                    if (r.decoderResult().isFailure()) {
                        fail(
                                ctx,
                                new IOException("bad HTTP response: "
                                        + r.decoderResult().cause()));
                        return;
                    }
                    onHeaders.accept(r);
                }
                if (msg instanceof HttpContent c && body != null) {
                    if (c.decoderResult().isFailure()) {
                        // A premature close mid-body: the prefix would be safe (offsets), but say what happened.
                        fail(
                                ctx,
                                new IOException("response cut short: "
                                        + c.decoderResult().cause()));
                        return;
                    }
                    body.addComponent(true, c.content().retain());
                    if (body.readableBytes() > PollWire.MAX_BODY * 2) {
                        fail(ctx, new IOException("response body over " + PollWire.MAX_BODY * 2 + " bytes"));
                        return;
                    }
                    if (c instanceof LastHttpContent) {
                        finish(ctx);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void finish(ChannelHandlerContext ctx) {
            ByteBuf b = body;
            body = null;
            boolean reuse = HttpUtil.isKeepAlive(head) && !closed;
            if (reply.trySuccess(new Reply(head.status().code(), head.headers(), b))) {
                if (reuse) {
                    ctx.pipeline().replace(this, "ready", new Ready(loop.newPromise()));
                    idle.add(new Idle(ctx.channel(), System.nanoTime()));
                } else {
                    ctx.close();
                }
            } else {
                b.release();
                ctx.close();
            }
        }

        private void fail(ChannelHandlerContext ctx, Throwable cause) {
            if (body != null) {
                body.release();
                body = null;
            }
            reply.tryFailure(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(ctx, new IOException("connection closed before the response was complete"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, explain(cause));
        }
    }

    void close() {
        closed = true;
        idle.forEach(i -> i.channel.close());
        idle.clear();
    }
}

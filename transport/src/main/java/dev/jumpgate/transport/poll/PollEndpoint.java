package dev.jumpgate.transport.poll;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The relay's long-poll requests ({@link PollWire}), on the TLS port and on the plain-HTTP poll port alike. It
 * parses the request on the connection's event loop, hands it to the session on the session's loop, and writes
 * the answer back to the connection (Netty queues a write from another thread in order).
 */
public final class PollEndpoint {

    private static final BooleanSupplier NOTHING = () -> false;

    private final PollSessions sessions;

    public PollEndpoint(PollSessions sessions) {
        this.sessions = sessions;
    }

    public static boolean handles(String path) {
        return path.equals(PollWire.PREFIX) || path.startsWith(PollWire.PREFIX + "/");
    }

    /**
     * Answers {@code req}, whose reference this takes over.
     *
     * @return whether the session the request named has a link that authenticated, now or later: what lets the
     *     connection that carried it count as authenticated (false for an open, or for no session)
     */
    public BooleanSupplier handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String[] parts = uri.path().substring(PollWire.PREFIX.length()).split("/");
        try {
            if (parts.length <= 1 && req.method().equals(HttpMethod.POST)) {
                sessions.open(ctx.channel().remoteAddress()).addListener(f -> {
                    if (f.isSuccess()) {
                        respond(
                                ctx,
                                keepAlive,
                                HttpResponseStatus.OK,
                                Unpooled.copiedBuffer((String) f.getNow(), StandardCharsets.US_ASCII),
                                null,
                                0);
                    } else {
                        String why = f.cause() instanceof PollSessions.RefusedException r
                                ? r.getMessage()
                                : "the relay could not open a long-poll session";
                        respond(
                                ctx,
                                keepAlive,
                                HttpResponseStatus.SERVICE_UNAVAILABLE,
                                text(why + ", try again later"),
                                null,
                                0);
                    }
                });
                return NOTHING;
            }
            if (parts.length != 3) {
                respond(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, text("no such long-poll request"), null, 0);
                return NOTHING;
            }
            Optional<PollSession> found = sessions.get(parts[1]);
            if (found.isEmpty()) {
                respond(
                        ctx,
                        keepAlive,
                        HttpResponseStatus.NOT_FOUND,
                        text("no such long-poll session"),
                        PollWire.ENDED,
                        1);
                return NOTHING;
            }
            PollSession s = found.get();
            switch (req.method().name() + " " + parts[2]) {
                case "POST up" -> {
                    long seq = number(uri, "seq");
                    ByteBuf body = req.content().retain();
                    s.channel().eventLoop().execute(() -> {
                        try {
                            s.up(seq, body, a -> answer(ctx, keepAlive, a));
                        } finally {
                            body.release();
                        }
                    });
                }
                case "GET down" -> {
                    long from = number(uri, "from");
                    long ack = number(uri, "ack");
                    s.channel().eventLoop().execute(() -> s.down(from, ack, a -> answer(ctx, keepAlive, a)));
                }
                case "POST close" -> {
                    s.channel().eventLoop().execute(s::close);
                    respond(ctx, keepAlive, HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER, null, 0);
                }
                default ->
                    respond(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, Unpooled.EMPTY_BUFFER, null, 0);
            }
            return s::isLinked;
        } catch (IllegalArgumentException e) {
            respond(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, Unpooled.EMPTY_BUFFER, null, 0);
            return NOTHING;
        } finally {
            req.release();
        }
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private static long number(QueryStringDecoder uri, String name) {
        List<String> v = uri.parameters().get(name);
        if (v == null || v.size() != 1) {
            throw new IllegalArgumentException("missing " + name);
        }
        long n = Long.parseLong(v.get(0));
        if (n < 0) {
            throw new IllegalArgumentException("negative " + name);
        }
        return n;
    }

    private static void answer(ChannelHandlerContext ctx, boolean keepAlive, PollSession.Answer a) {
        switch (a) {
            case PollSession.Answer.Down d ->
                respond(ctx, keepAlive, HttpResponseStatus.OK, d.body(), PollWire.SEQ, d.seq());
            case PollSession.Answer.Up u -> {
                FullHttpResponse r = response(keepAlive, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
                r.headers().set(PollWire.STORED, u.stored()).set(PollWire.ACK, u.ack());
                write(ctx, keepAlive, r);
            }
            case PollSession.Answer.Gone g ->
                respond(
                        ctx,
                        keepAlive,
                        HttpResponseStatus.GONE,
                        text("the link of this long-poll session is closed"),
                        PollWire.ENDED,
                        1);
        }
    }

    private static void respond(
            ChannelHandlerContext ctx,
            boolean keepAlive,
            HttpResponseStatus status,
            ByteBuf body,
            String header,
            long value) {
        FullHttpResponse r = response(keepAlive, status, body);
        if (header != null) {
            r.headers().set(header, value);
        }
        write(ctx, keepAlive, r);
    }

    private static FullHttpResponse response(boolean keepAlive, HttpResponseStatus status, ByteBuf body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        r.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return r;
    }

    private static void write(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse r) {
        var f = ctx.writeAndFlush(r);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }
}

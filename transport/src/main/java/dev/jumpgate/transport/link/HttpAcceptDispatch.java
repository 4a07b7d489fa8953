package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.LogText;
import dev.jumpgate.transport.poll.PollEndpoint;
import dev.jumpgate.transport.poll.PollWire;
import dev.jumpgate.transport.websocket.WebSocketAcceptHandshake;
import dev.jumpgate.transport.websocket.WsBytes;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's HTTP side, for connections whose first bytes are {@code GET } or {@code POST}: a WebSocket upgrade
 * at {@link WsBytes#PATH} becomes a link ({@link WebSocketAcceptHandshake}: the bytes inside go to the same magic
 * dispatch as a TLS link, and the outer TLS has already shown the agent's certificate), long-poll requests go to
 * the {@link PollEndpoint}, and anything else is a 404.
 */
final class HttpAcceptDispatch extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(HttpAcceptDispatch.class);
    static final String NAME = "http";

    private final PollEndpoint polls;
    /** The magic dispatch for a WebSocket's bytes; null where WebSocket is not served (plain HTTP). */
    private final Supplier<ChannelHandler> linkDispatch;

    private int idleStreak;
    /** Whether the last long-poll session this connection carried a request for has a linked agent or client. */
    private BooleanSupplier lastSession = () -> false;

    HttpAcceptDispatch(PollEndpoint polls, Supplier<ChannelHandler> linkDispatch) {
        super(false);
        this.polls = polls;
        this.linkDispatch = linkDispatch;
    }

    /** Puts the HTTP/1.1 server in front of {@code this} at {@code name}'s place. */
    static void install(ChannelPipeline p, String replacing, HttpAcceptDispatch front) {
        p.replace(replacing, "http-codec", new HttpServerCodec(4096, 8192, 64 * 1024));
        p.addAfter("http-codec", "http-body", new HttpObjectAggregator(PollWire.MAX_BODY + 64 * 1024));
        p.addAfter("http-body", NAME, front);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        idleStreak = 0;
        if (!req.decoderResult().isSuccess()) {
            req.release();
            reply(ctx, HttpResponseStatus.BAD_REQUEST);
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        if (PollEndpoint.handles(path)) {
            lastSession = polls.handle(ctx, req);
            proven(ctx.channel());
        } else if (linkDispatch != null && WebSocketAcceptHandshake.asked(path, req)) {
            WebSocketAcceptHandshake.upgrade(ctx, req, LinkAcceptDispatch.NAME, linkDispatch);
        } else {
            req.release();
            reply(ctx, HttpResponseStatus.NOT_FOUND);
        }
    }

    /**
     * A connection that carries requests for an authenticated session counts as authenticated itself: the
     * session's id is a secret only its link's peer knows. True (and marked so) if {@code ch} does.
     */
    static boolean proven(Channel ch) {
        HttpAcceptDispatch front = ch.pipeline().get(HttpAcceptDispatch.class);
        if (front == null || !front.lastSession.getAsBoolean()) {
            return false;
        }
        Authentication.succeeded(ch);
        return true;
    }

    private static void reply(ChannelHandlerContext ctx, HttpResponseStatus status) {
        var r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.CONNECTION, "close");
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        // One read-idle period can be a parked GET; two in a row is a connection nobody uses.
        if (evt instanceof IdleStateEvent && ++idleStreak >= 2) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection from {} failed: {}", ctx.channel().remoteAddress(), LogText.of(cause));
        ctx.close();
    }
}

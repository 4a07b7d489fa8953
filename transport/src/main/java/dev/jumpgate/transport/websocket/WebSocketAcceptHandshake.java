package dev.jumpgate.transport.websocket;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.util.function.Supplier;

/**
 * The relay's side of the WebSocket upgrade ({@link WebSocketDialHandshake} is the other): answers it and turns
 * the connection into a byte pipe whose bytes go to the link's magic dispatch, exactly as after TLS on a plain
 * link. The outer TLS has already shown the agent's certificate.
 */
public final class WebSocketAcceptHandshake {

    private WebSocketAcceptHandshake() {}

    /** Whether {@code req}, at {@code path}, asks for the link's WebSocket. */
    public static boolean asked(String path, FullHttpRequest req) {
        return path.equals(WsBytes.PATH) && req.headers().containsValue(HttpHeaderNames.UPGRADE, "websocket", true);
    }

    /**
     * Answers the upgrade in {@code req} (and releases it), then puts {@link WsBytes} in place of the handler of
     * {@code ctx} and {@code dispatch} after it, as {@code dispatchName}.
     */
    public static void upgrade(
            ChannelHandlerContext ctx, FullHttpRequest req, String dispatchName, Supplier<ChannelHandler> dispatch) {
        try {
            String location = "wss://" + req.headers().get(HttpHeaderNames.HOST, "relay") + WsBytes.PATH;
            WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                            location, null, false, WsBytes.MAX_FRAME, true)
                    .newHandshaker(req);
            if (handshaker == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            // The handshaker puts the WebSocket decoder in front at once; the bytes inside go to the magic
            // dispatch, exactly as after TLS on a plain link.
            handshaker.handshake(ctx.channel(), req);
            ctx.pipeline().replace(ctx.handler(), "ws-bytes", new WsBytes());
            ctx.pipeline().addAfter("ws-bytes", dispatchName, dispatch.get());
        } finally {
            req.release();
        }
    }
}

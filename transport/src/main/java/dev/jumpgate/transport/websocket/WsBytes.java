package dev.jumpgate.transport.websocket;

import dev.jumpgate.transport.PipeReady;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Makes a WebSocket a byte pipe: binary frames in become bytes, bytes out become binary frames, so the link's
 * handshake and HTTP/2 above never see WebSocket. Frame boundaries mean nothing: the link is a byte stream. On
 * the dialling side it fires {@link PipeReady} once the upgrade completed.
 */
public final class WsBytes extends ChannelDuplexHandler {

    /** The path the relay upgrades; the link bytes ride inside. */
    public static final String PATH = "/v1/link";
    /** The largest frame either side accepts; writes are never larger than this. */
    public static final int MAX_FRAME = 1024 * 1024;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case BinaryWebSocketFrame f -> ctx.fireChannelRead(f.content());
            case ContinuationWebSocketFrame f -> ctx.fireChannelRead(f.content());
            case PingWebSocketFrame f -> ctx.writeAndFlush(new PongWebSocketFrame(f.content()));
            case CloseWebSocketFrame f -> {
                f.release();
                ctx.close();
            }
            case WebSocketFrame f -> {
                // Text frames and pongs carry nothing of the link.
                f.release();
            }
            default -> ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf bytes)) {
            ctx.write(msg, promise);
            return;
        }
        if (bytes.readableBytes() <= MAX_FRAME) {
            ctx.write(new BinaryWebSocketFrame(bytes), promise);
            return;
        }
        try {
            while (bytes.readableBytes() > MAX_FRAME) {
                ctx.write(new BinaryWebSocketFrame(bytes.readRetainedSlice(MAX_FRAME)));
            }
            ctx.write(new BinaryWebSocketFrame(bytes.readRetainedSlice(bytes.readableBytes())), promise);
        } finally {
            ReferenceCountUtil.release(bytes);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            ctx.fireUserEventTriggered(PipeReady.INSTANCE);
        }
        super.userEventTriggered(ctx, evt);
    }
}

package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.LinkCodec;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.protocol.MalformedException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import dev.jumpgate.transport.PipeReady;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.util.List;

/**
 * The agent's half of the link handshake: after TLS, send magic and Hello; on Welcome install HTTP/2 as the
 * server and complete the promise with the link channel; on Refusal fail it with {@link LinkRefusedException}.
 */
final class AgentDialHandshake extends ByteToMessageDecoder {

    static final String NAME = "handshake";

    private final LinkMessage.Hello hello;
    private final ChannelHandler streams;
    private final Promise<Channel> linked;

    AgentDialHandshake(LinkMessage.Hello hello, ChannelHandler streams, Promise<Channel> linked) {
        this.hello = hello;
        this.streams = streams;
        this.linked = linked;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == PipeReady.INSTANCE) {
            ctx.writeAndFlush(Frames.encode(ctx.alloc(), hello, true));
        } else if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
            linked.tryFailure(done.cause());
            ctx.close();
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (linked.isDone()) {
            in.skipBytes(in.readableBytes());
            return;
        }
        LinkMessage message;
        try {
            byte[] body = Frames.take(in);
            if (body == null) {
                return;
            }
            message = LinkCodec.decode(body);
        } catch (MalformedException e) {
            linked.tryFailure(new IOException("relay broke the link protocol: " + e.getMessage()));
            ctx.close();
            return;
        }
        switch (message) {
            case LinkMessage.Welcome welcome -> {
                java.time.Duration ping = Keepalive.interval(welcome.pingSeconds());
                Keepalive.adoptInterval(ctx.pipeline(), ping);
                Http2Roles.installAcceptor(ctx.pipeline(), NAME, "relay " + ctx.channel().remoteAddress(), streams,
                        ping);
                ctx.pipeline().remove(this);
                linked.trySuccess(ctx.channel());
            }
            case LinkMessage.Refusal refusal -> {
                linked.tryFailure(new LinkRefusedException(refusal.reason(), refusal.detail()));
                ctx.close();
            }
            default -> {
                linked.tryFailure(new IOException("relay broke the link protocol: it sent " + message));
                ctx.close();
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        linked.tryFailure(new IOException("relay closed the connection during the handshake"));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        linked.tryFailure(cause);
        ctx.close();
    }
}

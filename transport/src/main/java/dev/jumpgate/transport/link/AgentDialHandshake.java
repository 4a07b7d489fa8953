package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.LinkMessage;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Promise;
import java.time.Duration;

/**
 * The agent's half of the link handshake: after TLS, send magic and Hello; on Welcome install HTTP/2 as the
 * server and complete the promise with the link channel; on Refusal fail it with {@link LinkRefusedException}.
 */
final class AgentDialHandshake extends DialHandshake<Channel> {

    static final String NAME = "handshake";

    private final LinkMessage.Hello hello;
    private final ChannelHandler streams;

    AgentDialHandshake(LinkMessage.Hello hello, ChannelHandler streams, Promise<Channel> linked) {
        super(linked);
        this.hello = hello;
        this.streams = streams;
    }

    @Override
    void pipeReady(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Frames.encode(ctx.alloc(), hello, true));
    }

    @Override
    void onMessage(ChannelHandlerContext ctx, LinkMessage message) {
        if (message instanceof LinkMessage.Welcome welcome) {
            Duration ping = Keepalive.interval(welcome.pingSeconds());
            Keepalive.adoptInterval(ctx.pipeline(), ping);
            Http2Roles.installAcceptor(
                    ctx.pipeline(), NAME, "relay " + ctx.channel().remoteAddress(), streams, ping);
            ctx.pipeline().remove(this);
            linked.trySuccess(ctx.channel());
        } else {
            refusedOrUnexpected(ctx, message);
        }
    }
}

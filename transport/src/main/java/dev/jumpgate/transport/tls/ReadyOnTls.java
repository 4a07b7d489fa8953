package dev.jumpgate.transport.tls;

import dev.jumpgate.transport.PipeReady;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/** For a pipe that is ready as soon as its TLS is: the TLS transport, and the inner TLS of long-poll. */
public final class ReadyOnTls extends ChannelInboundHandlerAdapter {

    public static final String NAME = "ready";

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        super.userEventTriggered(ctx, evt);
        if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
            ctx.fireUserEventTriggered(PipeReady.INSTANCE);
            ctx.pipeline().remove(this);
        }
    }
}

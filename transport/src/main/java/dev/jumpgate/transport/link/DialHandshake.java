package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.protocol.MalformedException;
import dev.jumpgate.transport.PipeReady;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.Promise;
import java.io.IOException;

/**
 * The dialling side of a link handshake (agent or client): starts when the transport fires {@link PipeReady},
 * completes {@code linked} when the relay welcomes it, and fails it, closing the connection, on a Refusal
 * ({@link LinkRefusedException}), on anything the protocol does not allow, or when the connection ends first.
 */
abstract sealed class DialHandshake<T> extends HandshakeDecoder permits AgentDialHandshake, ClientDialHandshake {

    final Promise<T> linked;

    DialHandshake(Promise<T> linked) {
        this.linked = linked;
    }

    /** The byte pipe to the relay is open and authenticated: say the first words. */
    abstract void pipeReady(ChannelHandlerContext ctx);

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == PipeReady.INSTANCE) {
            pipeReady(ctx);
        } else if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
            fail(ctx, done.cause());
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    final boolean decided() {
        return linked.isDone();
    }

    @Override
    final void malformed(ChannelHandlerContext ctx, MalformedException e) {
        fail(ctx, new IOException("relay broke the link protocol: " + e.getMessage()));
    }

    /** A Refusal fails the dial with its reason; any other message the step does not expect breaks the protocol. */
    final void refusedOrUnexpected(ChannelHandlerContext ctx, LinkMessage message) {
        if (message instanceof LinkMessage.Refusal r) {
            fail(ctx, new LinkRefusedException(r.reason(), r.detail()));
        } else {
            fail(ctx, new IOException("relay broke the link protocol: it sent " + message));
        }
    }

    final void fail(ChannelHandlerContext ctx, Throwable cause) {
        linked.tryFailure(cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        linked.tryFailure(new IOException("relay closed the connection during the handshake"));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
    }
}

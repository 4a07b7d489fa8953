package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.LinkCodec;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.protocol.MalformedException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * The framing every link handshake reads, written once: {@code u32 length | body} frames ({@link Frames#take},
 * which caps the size at {@link LinkCodec#MAX_FRAME}), each body one {@link LinkMessage}. A subclass does only its
 * step: what comes before the first frame ({@link #prelude}), what each message means ({@link #onMessage}) and
 * how a malformed one ends the handshake ({@link #malformed}). Once the handshake is decided, bytes still
 * arriving are dropped. The handshake's deadline is the link port's ({@code LinkSettings.HANDSHAKE_LIMIT}).
 *
 * <p>{@link DialHandshake} is the side that dials (it completes a promise), {@link AcceptHandshake} the relay's
 * (it answers with a Refusal or a Welcome).
 */
abstract sealed class HandshakeDecoder extends ByteToMessageDecoder permits DialHandshake, AcceptHandshake {

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (decided()) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (!prelude(ctx, in)) {
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
            malformed(ctx, e);
            return;
        }
        onMessage(ctx, message);
    }

    /** True once the handshake is over, either way: the bytes that still come are not its business. */
    abstract boolean decided();

    /** Reads what comes before the first frame; true once it has, false while it needs more bytes or gave up. */
    boolean prelude(ChannelHandlerContext ctx, ByteBuf in) {
        return true;
    }

    abstract void malformed(ChannelHandlerContext ctx, MalformedException e);

    abstract void onMessage(ChannelHandlerContext ctx, LinkMessage message);
}

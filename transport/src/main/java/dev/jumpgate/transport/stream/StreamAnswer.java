package dev.jumpgate.transport.stream;

import dev.jumpgate.transport.link.StreamHeaders;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.BiConsumer;

/**
 * Waits on a stream this side opened for the answer to its request, then steps aside. Frames that arrive with
 * or right after an accepting answer are kept, in order, for whoever takes the stream over ({@link Splice}).
 */
public final class StreamAnswer extends ChannelInboundHandlerAdapter {

    private final Queue<Object> held = new ArrayDeque<>();
    private final BiConsumer<Http2Headers, StreamAnswer> onAnswer;
    private boolean answered;
    private Http2StreamChannel stream;

    /**
     * {@code onAnswer} runs on the stream's event loop with the answer's headers, or null if the stream closed
     * without one.
     */
    public StreamAnswer(BiConsumer<Http2Headers, StreamAnswer> onAnswer) {
        this.onAnswer = onAnswer;
    }

    public Http2StreamChannel stream() {
        return stream;
    }

    /** Frames that came after the answer; hand them on with the stream. */
    public Queue<Object> held() {
        return held;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        stream = (Http2StreamChannel) ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!answered && msg instanceof Http2HeadersFrame h) {
            answered = true;
            if (StreamHeaders.isAccepted(h.headers())) {
                ctx.channel().config().setAutoRead(false);
            }
            onAnswer.accept(h.headers(), this);
        } else if (answered) {
            held.add(msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!answered) {
            answered = true;
            onAnswer.accept(null, this);
        }
        held.forEach(ReferenceCountUtil::release);
        held.clear();
        super.channelInactive(ctx);
    }
}

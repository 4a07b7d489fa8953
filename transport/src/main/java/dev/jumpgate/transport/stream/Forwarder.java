package dev.jumpgate.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Moves bytes read from one channel (an HTTP/2 stream or a socket, auto-read off) into a {@link Sink}: what one
 * read brings is handed over as one write, and the source is read again while fewer than {@link #IN_FLIGHT}
 * bytes are handed over and not yet written out. So a slow sink stops the source after a bounded amount instead
 * of growing a buffer, and a fast one is fed while it is still writing the previous batch. The end of input
 * (END_STREAM, socket EOF) becomes {@link Sink#end()}; a reset or an error becomes {@link Sink#abort()}.
 *
 * <p>Why batches, and more than one in flight: the sink is often on another event loop (the relay splices streams
 * of two links). Handing over each frame and waiting for its write cost two cross-thread wake-ups per 16 KiB
 * and left each loop idle while the other worked; see docs/CONCURRENCY.md.
 */
public final class Forwarder extends ChannelInboundHandlerAdapter {

    /** Bytes handed to the sink and not yet written out, at or beyond which the source is not read. */
    public static final int IN_FLIGHT = 256 * 1024;
    /** A batch goes to the sink at the end of each read, or as soon as it holds this much. */
    static final int BATCH = 128 * 1024;

    private final Sink sink;
    private final Channel source;
    private CompositeByteBuf batch;
    private long inFlight;
    private boolean reading;
    private boolean ended;

    public Forwarder(Channel source, Sink sink) {
        this.source = source;
        this.sink = sink;
    }

    /** Handles one message from the source: what {@code channelRead} does, also for frames held earlier. */
    public void accept(Object msg) {
        switch (msg) {
            case Http2DataFrame data -> {
                add(data.content());
                if (data.isEndStream()) {
                    end();
                }
            }
            case ByteBuf bytes -> add(bytes);
            case Http2ResetFrame reset -> fail();
            default -> ReferenceCountUtil.release(msg);
        }
    }

    private void add(ByteBuf bytes) {
        if (!bytes.isReadable() || ended) {
            bytes.release();
            return;
        }
        if (batch == null) {
            batch = source.alloc().compositeBuffer(64);
        }
        batch.addComponent(true, bytes);
        if (batch.readableBytes() >= BATCH) {
            handOver();
        }
    }

    private void handOver() {
        if (batch == null) {
            return;
        }
        ByteBuf out = batch;
        batch = null;
        int size = out.readableBytes();
        inFlight += size;
        sink.write(
                out,
                failure -> onLoopOf(source, () -> {
                    inFlight -= size;
                    if (failure != null) {
                        source.close();
                        fail();
                        return;
                    }
                    resume();
                }));
    }

    /**
     * Runs {@code r} on {@code ch}'s event loop, at once if already there: a forwarder's state belongs to its
     * source's loop, and the sink may complete on another.
     */
    static void onLoopOf(Channel ch, Runnable r) {
        if (ch.eventLoop().inEventLoop()) {
            r.run();
        } else {
            ch.eventLoop().execute(r);
        }
    }

    private void end() {
        if (!ended) {
            handOver();
            ended = true;
            sink.end();
        }
    }

    private void fail() {
        ended = true;
        dropBatch();
        sink.abort();
    }

    private void dropBatch() {
        if (batch != null) {
            batch.release();
            batch = null;
        }
    }

    /**
     * Hands over what has been read and asks the source for more if the sink has room; call it once after
     * installing (and after feeding it held frames).
     */
    public void resume() {
        handOver();
        if (!ended && !reading && inFlight < IN_FLIGHT) {
            reading = true;
            source.read();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        accept(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        resume();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            end();
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        // The source is gone. A clean end was already passed on; otherwise end our half so what was written
        // still arrives, and the sink's own close follows from its side.
        end();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
        fail();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        dropBatch();
    }
}

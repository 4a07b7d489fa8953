package dev.jumpgate.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Moves bytes read from one channel (an HTTP/2 stream or a socket, auto-read off) into a {@link Sink}, and
 * reads again only when everything it handed over has been written: the Netty proxy pattern, so a slow sink
 * stops the source instead of growing a buffer. The end of input (END_STREAM, socket EOF) becomes
 * {@link Sink#end()}; a reset or an error becomes {@link Sink#abort()}.
 */
public final class Forwarder extends ChannelInboundHandlerAdapter {

    private final Sink sink;
    private final Channel source;
    private int pending;
    private boolean ended;

    public Forwarder(Channel source, Sink sink) {
        this.source = source;
        this.sink = sink;
    }

    /** Handles one message from the source: what {@code channelRead} does, also for frames held earlier. */
    public void accept(Object msg) {
        switch (msg) {
            case Http2DataFrame data -> {
                forward(data.content());
                if (data.isEndStream()) {
                    end();
                }
            }
            case ByteBuf bytes -> forward(bytes);
            case Http2ResetFrame reset -> {
                ended = true;
                sink.abort();
            }
            default -> ReferenceCountUtil.release(msg);
        }
    }

    private void forward(ByteBuf bytes) {
        if (!bytes.isReadable() || ended) {
            bytes.release();
            return;
        }
        pending++;
        sink.write(bytes, failure -> onSource(() -> {
            pending--;
            if (failure != null) {
                ended = true;
                source.close();
                sink.abort();
                return;
            }
            readIfIdle();
        }));
    }

    /** This forwarder's state belongs to the source's event loop; the sink may complete on another. */
    private void onSource(Runnable r) {
        if (source.eventLoop().inEventLoop()) {
            r.run();
        } else {
            source.eventLoop().execute(r);
        }
    }

    private void end() {
        if (!ended) {
            ended = true;
            sink.end();
        }
    }

    /** Asks the source for more once nothing is in flight; call it once after installing. */
    public void readIfIdle() {
        if (pending == 0 && !ended) {
            source.read();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        accept(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readIfIdle();
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
        ended = true;
        ctx.close();
        sink.abort();
    }
}

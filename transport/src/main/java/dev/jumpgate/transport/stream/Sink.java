package dev.jumpgate.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.function.Consumer;

/**
 * Where a {@link Forwarder} writes: an HTTP/2 stream, a TCP socket, or (in the client) a stream of the local
 * process. Writes complete in order; {@link #end()} half-closes behind every write already made.
 */
public interface Sink {

    /** Writes {@code data} (taking ownership); {@code done} gets null on success or the failure. */
    void write(ByteBuf data, Consumer<Throwable> done);

    /** No more data: half-close once what was written has gone out. */
    void end();

    /** Something broke: drop what is queued and close. */
    void abort();

    static Sink of(Http2StreamChannel stream) {
        return new Sink() {
            @Override
            public void write(ByteBuf data, Consumer<Throwable> done) {
                stream.writeAndFlush(new DefaultHttp2DataFrame(data)).addListener(f -> done.accept(f.cause()));
            }

            @Override
            public void end() {
                stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
            }

            @Override
            public void abort() {
                if (stream.isActive()) {
                    stream.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            }
        };
    }

    static Sink of(DuplexChannel socket) {
        return new Sink() {
            @Override
            public void write(ByteBuf data, Consumer<Throwable> done) {
                socket.writeAndFlush(data).addListener(f -> done.accept(f.cause()));
            }

            @Override
            public void end() {
                // shutdownOutput() would fail writes still queued; shut down behind them instead.
                socket.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                    if (f.isSuccess()) {
                        socket.shutdownOutput();
                    }
                });
            }

            @Override
            public void abort() {
                socket.close();
            }
        };
    }
}

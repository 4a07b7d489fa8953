package dev.jumpgate.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.Queue;

/**
 * Joins an HTTP/2 stream to a TCP socket, both ways, with backpressure: each side reads again only after
 * what it last read has been written to the other side (the Netty proxy pattern), so a slow reader stops the
 * writer instead of growing a buffer. Half-closes travel: END_STREAM shuts the socket's output, socket EOF
 * sends END_STREAM. A reset or error on either side closes both.
 *
 * <p>Both channels must have auto-read off before {@link #join} is called; frames the stream delivered before
 * the join (held while the socket connected) are passed in and written first, in order.
 */
public final class Splice {

    private Splice() {
    }

    public static void join(Http2StreamChannel stream, DuplexChannel socket, Queue<Object> heldFromStream) {
        socket.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        stream.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        StreamSide streamSide = new StreamSide(socket);
        SocketSide socketSide = new SocketSide(stream);
        stream.pipeline().addLast("splice", streamSide);
        socket.pipeline().addLast("splice", socketSide);
        Object held;
        while ((held = heldFromStream.poll()) != null) {
            streamSide.forward(stream, held);
        }
        streamSide.maybeRead(stream);
        socket.read();
    }

    /** Frames from the stream, written to the socket. */
    private static final class StreamSide extends ChannelInboundHandlerAdapter {
        private final DuplexChannel socket;
        private int pending;
        private boolean ended;

        StreamSide(DuplexChannel socket) {
            this.socket = socket;
        }

        void forward(Channel stream, Object msg) {
            switch (msg) {
                case Http2DataFrame data -> {
                    boolean end = data.isEndStream();
                    ByteBuf content = data.content();
                    if (content.isReadable()) {
                        pending++;
                        socket.writeAndFlush(content).addListener(f -> {
                            pending--;
                            if (!f.isSuccess()) {
                                stream.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
                                stream.close();
                                return;
                            }
                            maybeRead(stream);
                        });
                    } else {
                        content.release();
                    }
                    if (end) {
                        ended = true;
                        // shutdownOutput() fails writes still queued; shut down behind them instead.
                        socket.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                            if (f.isSuccess()) {
                                socket.shutdownOutput();
                            }
                        });
                    }
                }
                case Http2ResetFrame reset -> socket.close();
                default -> ReferenceCountUtil.release(msg);
            }
        }

        void maybeRead(Channel stream) {
            if (pending == 0 && !ended) {
                stream.read();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            forward(ctx.channel(), msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            maybeRead(ctx.channel());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            socket.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
            socket.close();
        }
    }

    /** Bytes from the socket, written to the stream as DATA frames. */
    private static final class SocketSide extends ChannelInboundHandlerAdapter {
        private final Http2StreamChannel stream;
        private int pending;
        private boolean ended;

        SocketSide(Http2StreamChannel stream) {
            this.stream = stream;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            pending++;
            stream.write(new DefaultHttp2DataFrame((ByteBuf) msg)).addListener(f -> {
                pending--;
                if (!f.isSuccess()) {
                    ctx.close();
                    return;
                }
                maybeRead(ctx);
            });
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            stream.flush();
            maybeRead(ctx);
        }

        private void maybeRead(ChannelHandlerContext ctx) {
            if (pending == 0 && !ended) {
                ctx.read();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof ChannelInputShutdownEvent) {
                endStream();
            }
            super.userEventTriggered(ctx, evt);
        }

        private void endStream() {
            if (!ended) {
                ended = true;
                stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // The socket is gone: finish our half cleanly; the stream closes once the peer's half ends too,
            // and writes to this dead socket fail and reset the stream.
            endStream();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
            stream.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}

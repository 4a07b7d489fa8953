package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.protocol.StreamRequest;
import dev.jumpgate.transport.stream.Splice;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * An agent's stream handler reduced to the transport's part: connect to the {@code HOST:PORT} the stream names,
 * with small socket buffers so that backpressure shows quickly, answer 200 and {@link Splice#join} the two.
 */
public final class SplicingStreams {

    public static final int SOCKET_BUFFER = 64 * 1024;

    private SplicingStreams() {}

    public static ChannelHandler handler() {
        return new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline().addLast(new Connector());
            }
        };
    }

    private static final class Connector extends ChannelInboundHandlerAdapter {
        private final Queue<Object> held = new ArrayDeque<>();
        private ChannelFuture connecting;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (connecting != null) {
                held.add(msg);
                return;
            }
            Http2StreamChannel stream = (Http2StreamChannel) ctx.channel();
            stream.config().setAutoRead(false);
            HostPort to = HostPort.parse(
                    ((Http2HeadersFrame) msg).headers().authority().toString());
            connecting = new Bootstrap()
                    .group(stream.eventLoop())
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                    .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(to.host(), to.port());
            connecting.addListener(f -> {
                if (!f.isSuccess()) {
                    ctx.writeAndFlush(StreamHeaders.refused(
                                    StreamRequest.STATUS_BAD_GATEWAY, f.cause().toString()))
                            .addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                stream.writeAndFlush(StreamHeaders.accepted());
                ctx.pipeline().remove(this);
                Splice.join(stream, held, (SocketChannel) connecting.channel());
            });
        }
    }
}

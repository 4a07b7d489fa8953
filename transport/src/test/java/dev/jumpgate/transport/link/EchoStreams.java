package dev.jumpgate.transport.link;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;

/** An agent's stream handler that answers 200 to every request and sends every byte straight back. */
public final class EchoStreams {

    private EchoStreams() {}

    public static ChannelHandler handler() {
        return new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof Http2HeadersFrame) {
                            ctx.write(StreamHeaders.accepted());
                            ReferenceCountUtil.release(msg);
                        } else if (msg instanceof Http2DataFrame data) {
                            ctx.write(new DefaultHttp2DataFrame(data.content(), data.isEndStream()));
                        } else {
                            ReferenceCountUtil.release(msg);
                        }
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                        ctx.flush();
                    }
                });
            }
        };
    }
}

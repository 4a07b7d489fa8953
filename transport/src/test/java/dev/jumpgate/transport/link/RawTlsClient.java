package dev.jumpgate.transport.link;

import dev.jumpgate.transport.tls.TlsIdentity;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A TLS client that presents an agent certificate, sends arbitrary bytes once TLS is up, and records replies. */
final class RawTlsClient {

    private static final TlsIdentity IDENTITY = TlsIdentity.generate("raw client");

    final CompletableFuture<Void> tlsUp = new CompletableFuture<>();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final Channel channel;

    private RawTlsClient(LinkHarness relay, byte[] payload) throws Exception {
        var tls = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3")
                .keyManager(IDENTITY.key(), IDENTITY.certificate())
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .build();
        channel = new Bootstrap()
                .group(relay.group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
                                    tlsUp.complete(null);
                                    ctx.writeAndFlush(Unpooled.wrappedBuffer(payload));
                                }
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf b = (ByteBuf) msg;
                                byte[] bytes = new byte[b.readableBytes()];
                                b.readBytes(bytes);
                                b.release();
                                synchronized (received) {
                                    received.writeBytes(bytes);
                                }
                            }
                        });
                    }
                })
                .connect(relay.address().host(), relay.address().port())
                .sync()
                .channel();
    }

    static RawTlsClient send(LinkHarness relay, byte[] payload) throws Exception {
        return new RawTlsClient(relay, payload);
    }

    /** True once the relay has closed the connection (within the limit). */
    boolean closedWithin(long seconds) throws InterruptedException {
        return channel.closeFuture().await(seconds, TimeUnit.SECONDS);
    }

    byte[] received() {
        synchronized (received) {
            return received.toByteArray();
        }
    }
}

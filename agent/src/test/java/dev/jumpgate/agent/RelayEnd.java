package dev.jumpgate.agent;

import dev.jumpgate.protocol.BuildVersion;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.transport.link.LinkDialer;
import dev.jumpgate.transport.link.LinkServer;
import dev.jumpgate.transport.link.RelayLink;
import dev.jumpgate.transport.link.StreamHeaders;
import dev.jumpgate.transport.tls.TlsContexts;
import dev.jumpgate.transport.tls.TlsIdentity;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A relay in process over loopback with real TLS, welcoming one agent whose streams are served by the real
 * {@link StreamRequestHandler}; the test plays the relay's side of each stream.
 */
final class RelayEnd implements AutoCloseable {

    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final ExecutorService blocking = Executors.newSingleThreadExecutor();
    private final LinkServer server;
    private final RelayLink link;

    RelayEnd(Targets targets) throws Exception {
        TlsIdentity relay = TlsIdentity.generate("relay");
        BlockingQueue<RelayLink> links = new LinkedBlockingQueue<>();
        server = LinkServer.start(
                group,
                LinkServer.Settings.agents(
                        new HostPort("127.0.0.1", 0),
                        relay,
                        "test",
                        (hello, key, remote) -> new LinkMessage.Welcome("test", 10),
                        links::add,
                        blocking));
        var hello = new LinkMessage.Hello(targets.device(), new byte[0], List.of(), BuildVersion.ANNOUNCED);
        LinkDialer.dial(
                        group,
                        new HostPort("127.0.0.1", server.boundAddress().getPort()),
                        TlsContexts.agent(TlsIdentity.generate("agent"), relay.fingerprint()),
                        hello,
                        new ChannelInitializer<Http2StreamChannel>() {
                            @Override
                            protected void initChannel(Http2StreamChannel ch) {
                                ch.pipeline().addLast(new StreamRequestHandler(targets));
                            }
                        })
                .get(10, TimeUnit.SECONDS);
        link = links.poll(10, TimeUnit.SECONDS);
    }

    /** Opens a stream asking for {@code authority}, as the relay does for a session. */
    Stream open(String authority) throws Exception {
        Stream s = new Stream();
        s.channel = link.openStream(s).get(10, TimeUnit.SECONDS);
        s.channel.writeAndFlush(StreamHeaders.connect(authority, "alice"));
        return s;
    }

    @Override
    public void close() {
        server.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        blocking.shutdownNow();
    }

    /** The relay's end of one stream: the answer, the bytes back, and whether it ended. */
    static final class Stream extends ChannelInboundHandlerAdapter {
        final CompletableFuture<Http2HeadersFrame> answer = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        Http2StreamChannel channel;

        /** Writes {@code data} as DATA frames of {@code chunk} bytes; completes once the link has taken them all. */
        ChannelFuture send(byte[] data, int chunk) {
            ChannelFuture last = null;
            for (int off = 0; off < data.length; off += chunk) {
                last = channel.write(new DefaultHttp2DataFrame(
                        Unpooled.wrappedBuffer(data, off, Math.min(chunk, data.length - off)), false));
            }
            channel.flush();
            return last;
        }

        synchronized byte[] received() {
            return received.toByteArray();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h) {
                answer.complete(h);
            } else if (msg instanceof Http2DataFrame d) {
                synchronized (this) {
                    received.writeBytes(ByteBufUtil.getBytes(d.content()));
                }
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            answer.completeExceptionally(new IllegalStateException("stream closed without an answer"));
            closed.complete(null);
        }
    }
}

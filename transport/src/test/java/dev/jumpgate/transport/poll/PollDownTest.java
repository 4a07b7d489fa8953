package dev.jumpgate.transport.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.transport.Route;
import dev.jumpgate.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The agent fetches from the relay only while its link takes what it was given: a stalled link stops the GETs. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PollDownTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A relay with endless bytes for the agent: every GET is answered at once with a full body. */
    private Channel endlessRelay(AtomicInteger gets) throws InterruptedException {
        return new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(
                                        new HttpServerCodec(),
                                        new HttpObjectAggregator(1 << 20),
                                        new SimpleChannelInboundHandler<FullHttpRequest>() {
                                            @Override
                                            protected void channelRead0(
                                                    ChannelHandlerContext ctx, FullHttpRequest req) {
                                                ctx.writeAndFlush(answer(req, gets));
                                            }
                                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
    }

    private static DefaultFullHttpResponse answer(FullHttpRequest req, AtomicInteger gets) {
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        DefaultFullHttpResponse r;
        if (uri.path().equals(PollWire.PREFIX)) {
            r = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1,
                    HttpResponseStatus.OK,
                    Unpooled.copiedBuffer("AAAAAAAAAAAAAAAAAAAAAA", StandardCharsets.US_ASCII));
        } else if (uri.path().endsWith("/down")) {
            gets.incrementAndGet();
            r = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(new byte[PollWire.MAX_BODY]));
            r.headers().set(PollWire.SEQ, uri.parameters().get("from").get(0));
        } else {
            long seq = Long.parseLong(
                    uri.parameters().getOrDefault("seq", List.of("0")).get(0));
            r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
            r.headers()
                    .set(PollWire.STORED, seq + req.content().readableBytes())
                    .set(PollWire.ACK, 0);
        }
        r.headers().setInt("content-length", r.content().readableBytes());
        return r;
    }

    @Test
    void aLinkThatTakesNothingStopsTheAgentFetching() throws Exception {
        AtomicInteger gets = new AtomicInteger();
        Channel relay = endlessRelay(gets);
        int port = ((InetSocketAddress) relay.localAddress()).getPort();
        Route route = new Route(
                Transport.HTTP_POLL,
                new HostPort("127.0.0.1", port),
                Optional.empty(),
                URI.create("http://127.0.0.1:" + port));
        ChannelInboundHandlerAdapter stalledLink = new ChannelInboundHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                ctx.channel().config().setAutoRead(false); // and never reads
            }
        };
        PollClient client = new PollClient(route, null, e -> {}, group.next().newPromise());
        Channel[] pump = new Channel[1];
        PipeChannel.pair(group.next(), "test", stalledLink, new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        pump[0] = ch;
                        ch.pipeline().addLast(client);
                    }
                })
                .sync();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> gets.get() >= 1);
            // What the pipe holds (256 KiB), the writer's high-water mark and the GETs in flight, and no more.
            int bound = 2 + PollWire.GETS_IN_FLIGHT + 1;
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> gets.get() <= bound);
            long pending = pump[0].eventLoop()
                    .submit(() -> pump[0].unsafe().outboundBuffer().totalPendingWriteBytes())
                    .get();
            assertThat(pending).isLessThanOrEqualTo((long) (bound + 1) * PollWire.MAX_BODY);
        } finally {
            pump[0].close().sync();
            relay.close().sync();
        }
    }
}

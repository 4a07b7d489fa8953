import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.transport.link.LinkDialer;
import dev.jumpgate.transport.link.LinkServer;
import dev.jumpgate.transport.link.RelayLink;
import dev.jumpgate.transport.link.StreamHeaders;
import dev.jumpgate.transport.Route;
import dev.jumpgate.transport.Transport;
import dev.jumpgate.transport.tls.TlsContexts;
import dev.jumpgate.transport.tls.TlsIdentity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
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
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.lang.management.ManagementFactory;
import java.util.function.ToDoubleFunction;

/**
 * Throughput and 1-byte round-trip time of one link stream over each transport, on loopback, in one run: a relay
 * (LinkServer with its plain-HTTP poll port) and an agent dialling it in this process, as the real ones do.
 * "down" is relay → agent (what scp to a device moves), "up" agent → relay.
 *
 * Run it with bench/transports [MEGABYTES] [ROUND_TRIPS] [ROUNDS].
 */
public final class TransportBench {

    record Result(String transport, double downMBs, double upMBs, double rttMedianMs, double rttP99Ms) {
    }

    public static void main(String[] args) throws Exception {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int trips = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        EventLoopGroup relayGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup agentGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        TlsIdentity relayId = TlsIdentity.generate("bench relay");
        LinkedBlockingQueue<RelayLink> links = new LinkedBlockingQueue<>();
        LinkServer server = LinkServer.start(relayGroup, LinkServer.Settings.agents(new HostPort("127.0.0.1", 0),
                relayId, "bench", (hello, key, remote) -> new LinkMessage.Welcome("bench", 10), links::add,
                Executors.newSingleThreadExecutor()).withPollListen(new HostPort("127.0.0.1", 0)));
        HostPort relay = new HostPort("127.0.0.1", server.boundAddress().getPort());
        URI https = URI.create("https://127.0.0.1:" + relay.port());
        URI http = URI.create("http://127.0.0.1:" + server.pollAddress().orElseThrow().getPort());
        List<Route> routes = List.of(
                new Route(Transport.TLS, relay, Optional.empty(), https),
                new Route(Transport.WEBSOCKET, relay, Optional.empty(), https),
                new Route(Transport.HTTP_POLL, relay, Optional.empty(), http),
                new Route(Transport.HTTP_POLL, relay, Optional.empty(), https));
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        // Other work on the machine makes single runs noisy: every round measures every transport, in turn, and
        // the report takes the median of the rounds after a warm-up round.
        List<List<Result>> perRoute = new ArrayList<>();
        routes.forEach(r -> perRoute.add(new ArrayList<>()));
        for (int round = 0; round <= rounds; round++) {
            for (int i = 0; i < routes.size(); i++) {
                Route route = routes.get(i);
                var tls = TlsContexts.agent(TlsIdentity.generate("bench agent"), relayId.fingerprint());
                Channel agent = LinkDialer.dial(agentGroup, route, tls, new LinkMessage.Hello(
                        new DeviceName("bench"), new byte[0], List.of(), "bench"), agentStreams())
                        .get(20, TimeUnit.SECONDS);
                RelayLink link = links.poll(20, TimeUnit.SECONDS);
                String name = route.transport() == Transport.HTTP_POLL
                        ? "http-poll (" + route.pollBase().getScheme() + ")" : route.transport().label();
                int mb = round == 0 ? Math.max(8, megabytes / 8) : megabytes;
                double down = throughput(link, "sink:" + mb, mb);
                double up = throughput(link, "source:" + mb, mb);
                double[] rtt = roundTrips(link, round == 0 ? trips / 4 : trips);
                if (round > 0) {
                    perRoute.get(i).add(new Result(name, down, up, rtt[0], rtt[1]));
                }
                agent.close().sync();
            }
        }
        List<Result> results = new ArrayList<>();
        for (List<Result> rs : perRoute) {
            results.add(new Result(rs.get(0).transport(), median(rs, Result::downMBs), median(rs, Result::upMBs),
                    median(rs, Result::rttMedianMs), median(rs, Result::rttP99Ms)));
        }
        System.out.printf("%d MB each way, %d round trips, median of %d rounds; load average at the end: %s%n",
                megabytes, trips, rounds, ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
        Result tls = results.get(0);
        System.out.printf("%-18s %12s %12s %12s %12s %14s%n", "transport", "down MB/s", "up MB/s", "rtt p50 ms",
                "rtt p99 ms", "vs TLS (down/up)");
        for (Result r : results) {
            System.out.printf("%-18s %12.1f %12.1f %12.3f %12.3f %7.2f×/%.2f×%n", r.transport, r.downMBs, r.upMBs,
                    r.rttMedianMs, r.rttP99Ms, r.downMBs / tls.downMBs, r.upMBs / tls.upMBs);
        }
        server.close();
        relayGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        agentGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        System.exit(0);
    }

    static double median(List<Result> rs, ToDoubleFunction<Result> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The agent's side: "sink:N" counts N MB then answers one byte; "source:N" sends N MB; else echo. */
    static ChannelInitializer<Http2StreamChannel> agentStreams() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    String mode;
                    long left;

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        try {
                            if (msg instanceof Http2HeadersFrame h) {
                                mode = String.valueOf(h.headers().authority());
                                ctx.writeAndFlush(StreamHeaders.accepted());
                                if (mode.startsWith("source:")) {
                                    left = Long.parseLong(mode.substring(7)) << 20;
                                    pump(ctx);
                                } else if (mode.startsWith("sink:")) {
                                    left = Long.parseLong(mode.substring(5)) << 20;
                                }
                            } else if (msg instanceof Http2DataFrame d) {
                                int n = d.content().readableBytes();
                                if (mode.startsWith("sink:")) {
                                    left -= n;
                                    if (left <= 0) {
                                        ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[1]),
                                                true));
                                    }
                                } else if (n > 0) {
                                    ctx.writeAndFlush(new DefaultHttp2DataFrame(d.content().retain(), false));
                                }
                            }
                        } finally {
                            ReferenceCountUtil.release(msg);
                        }
                    }

                    @Override
                    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                        pump(ctx);
                    }

                    void pump(ChannelHandlerContext ctx) {
                        while (left > 0 && ctx.channel().isWritable()) {
                            int n = (int) Math.min(left, 64 * 1024);
                            left -= n;
                            ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(CHUNK, 0, n), left == 0));
                        }
                        ctx.flush();
                    }
                });
            }
        };
    }

    static final byte[] CHUNK = new byte[64 * 1024];

    /** MB/s of {@code mb} megabytes one way: "sink" relay → agent, "source" agent → relay. */
    static double throughput(RelayLink link, String mode, int mb) throws Exception {
        CompletableFuture<Long> done = new CompletableFuture<>();
        AtomicLong received = new AtomicLong();
        Http2StreamChannel stream = link.openStream(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http2DataFrame d) {
                    received.addAndGet(d.content().readableBytes());
                    if (d.isEndStream()) {
                        done.complete(System.nanoTime());
                    }
                }
                ReferenceCountUtil.release(msg);
            }
        }).get(10, TimeUnit.SECONDS);
        long start = System.nanoTime();
        stream.writeAndFlush(StreamHeaders.connect(mode, "bench"));
        if (mode.startsWith("sink:")) {
            long left = (long) mb << 20;
            Sender s = new Sender(stream, left);
            stream.eventLoop().execute(s::pump);
        }
        long end = done.get(300, TimeUnit.SECONDS);
        stream.close();
        return mb / ((end - start) / 1e9);
    }

    /** Writes while the stream is writable, as a well-behaved source does. */
    static final class Sender {
        final Http2StreamChannel stream;
        long left;

        Sender(Http2StreamChannel stream, long left) {
            this.stream = stream;
            this.left = left;
            stream.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                    pump();
                    ctx.fireChannelWritabilityChanged();
                }
            });
        }

        void pump() {
            while (left > 0 && stream.isWritable()) {
                int n = (int) Math.min(left, 64 * 1024);
                left -= n;
                stream.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(CHUNK, 0, n), false));
            }
            stream.flush();
        }
    }

    /** Median and 99th percentile, in ms, of {@code trips} sequential 1-byte echoes. */
    static double[] roundTrips(RelayLink link, int trips) throws Exception {
        LinkedBlockingQueue<Long> echoes = new LinkedBlockingQueue<>();
        Http2StreamChannel stream = link.openStream(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http2DataFrame d && d.content().isReadable()) {
                    echoes.add(System.nanoTime());
                }
                ReferenceCountUtil.release(msg);
            }
        }).get(10, TimeUnit.SECONDS);
        stream.writeAndFlush(StreamHeaders.connect("echo", "bench")).sync();
        long[] rtt = new long[trips];
        for (int i = 0; i < trips; i++) {
            long t = System.nanoTime();
            stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[] {1}), false));
            Long back = echoes.poll(30, TimeUnit.SECONDS);
            if (back == null) {
                throw new IllegalStateException("no echo within 30 s");
            }
            rtt[i] = back - t;
        }
        stream.close();
        Arrays.sort(rtt);
        return new double[] {rtt[trips / 2] / 1e6, rtt[(int) (trips * 0.99)] / 1e6};
    }
}

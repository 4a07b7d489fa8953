package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.transport.StartupTrace;
import dev.jumpgate.transport.poll.PipeChannel;
import dev.jumpgate.transport.proxy.ProxyFailures;
import dev.jumpgate.transport.Route;
import dev.jumpgate.transport.Tunnels;
import dev.jumpgate.transport.websocket.WsBytes;
import dev.jumpgate.transport.poll.PollClient;
import dev.jumpgate.transport.tls.TlsContexts;
import dev.jumpgate.transport.TlsHandlers;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;
import dev.jumpgate.transport.tls.ReadyOnTls;

/**
 * Dialling the relay: as an agent (say Hello, then serve streams) or as a client (log in, then open them), over
 * any {@link Route}. Each transport only builds a byte pipe and fires {@code PipeReady}; the handshake and
 * HTTP/2 above it are the same for all.
 *
 * <pre>
 *   tls        [CONNECT] idle tls ready handshake → h2
 *   websocket  [CONNECT] idle tls http ws-handshake ws-bytes handshake → h2
 *   http-poll  pipe pair:  idle tls ready handshake → h2   ⇄   PollClient → HTTP requests [via proxy]
 * </pre>
 */
public final class LinkDialer {

    private static final int CONNECT_TIMEOUT_MS = 10_000;
    /** On a long-poll link: done once the relay has heard that the session is over. */
    private static final io.netty.util.AttributeKey<Future<Void>> FINISHED =
            io.netty.util.AttributeKey.valueOf("jumpgate.poll.finished");

    private LinkDialer() {
    }

    public static Future<Channel> dial(EventLoopGroup group, HostPort relay, SslContext tls, LinkMessage.Hello hello,
            ChannelHandler streams) {
        return dial(group, Route.direct(relay), tls, hello, streams);
    }

    /**
     * Dials over {@code route}. The returned future completes with the link channel once the relay has welcomed
     * the agent, or fails: {@link LinkRefusedException} when the relay said no, another exception when the relay
     * (or the proxy) could not be reached or failed TLS (a pin mismatch fails here, closed).
     *
     * @param streams the handler installed on each stream the relay opens
     */
    public static Future<Channel> dial(EventLoopGroup group, Route route, SslContext tls, LinkMessage.Hello hello,
            ChannelHandler streams) {
        EventLoop loop = group.next();
        Promise<Channel> linked = loop.newPromise();
        open(loop, route, tls::newHandler, () -> tls,
                p -> p.addLast(AgentDialHandshake.NAME, new AgentDialHandshake(hello, streams, linked)), linked);
        return explained(loop, route, linked);
    }

    /**
     * Dials over {@code route} as a client logged in as {@code user}, proving the key behind {@code signer}, which
     * may still be loading: TCP and TLS go ahead meanwhile, and the Login waits for it; a key that fails to load
     * fails the dial with that failure. Fails like {@link #dial}; {@link LinkRefusedException} with
     * {@code NOT_AUTHENTICATED} when the relay does not take the key.
     */
    public static Future<ClientLink> dialAsClient(EventLoopGroup group, Route route, Fingerprint pin,
            String user, CompletionStage<Signer> signer, String version) {
        EventLoop loop = group.next();
        Promise<ClientLink> linked = loop.newPromise();
        open(loop, route, TlsContexts.quickClient(pin), () -> TlsContexts.client(pin), p -> p.addLast(ClientDialHandshake.NAME,
                new ClientDialHandshake(user, signer, pin, version, linked)), linked);
        return explained(loop, route, linked);
    }

    /** {@code linked}, its failure explained when a proxy caused it; cancelling the result cancels the dial. */
    private static <T> Future<T> explained(EventLoop loop, Route route, Promise<T> linked) {
        Promise<T> out = loop.newPromise();
        linked.addListener(f -> {
            if (f.isSuccess()) {
                if (!out.trySuccess(linked.getNow()) && linked.getNow() instanceof Channel ch) {
                    ch.close();
                }
            } else {
                String what = "a tunnel to " + route.destination();
                out.tryFailure(route.proxy().map(p -> ProxyFailures.explain(p, what, f.cause())).orElse(f.cause()));
            }
        });
        out.addListener(f -> {
            if (f.isCancelled()) {
                linked.cancel(false);
            }
        });
        return out;
    }

    /** {@code tls} for the transports over TCP; long-poll's requests need Netty's {@code pollTls}. */
    private static void open(EventLoop loop, Route route, TlsHandlers tls, Supplier<SslContext> pollTls,
            Consumer<ChannelPipeline> handshake, Promise<?> linked) {
        switch (route.transport()) {
            case TLS -> overTcp(loop, route, tls, p -> {
                p.addLast(ReadyOnTls.NAME, new ReadyOnTls());
                handshake.accept(p);
            }, linked);
            case WEBSOCKET -> overTcp(loop, route, tls, p -> {
                p.addLast("http", new HttpClientCodec());
                p.addLast("http-body", new HttpObjectAggregator(16 * 1024));
                p.addLast("ws", new WebSocketClientProtocolHandler(webSocket(route)));
                p.addLast("ws-bytes", new WsBytes());
                handshake.accept(p);
            }, linked);
            case HTTP_POLL -> overPolls(loop, route, pollTls.get(), handshake, linked);
        }
    }

    private static WebSocketClientProtocolConfig webSocket(Route route) {
        HostPort r = route.relay();
        String host = r.host().contains(":") ? "[" + r.host() + "]" : r.host();
        return WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(URI.create("wss://" + host + ":" + r.port() + WsBytes.PATH))
                .maxFramePayloadLength(WsBytes.MAX_FRAME)
                .allowExtensions(false)
                .generateOriginHeader(false)
                .dropPongFrames(true)
                .performMasking(false)
                .handshakeTimeoutMillis(15_000)
                .build();
    }

    private static void overTcp(EventLoop loop, Route route, TlsHandlers tls, Consumer<ChannelPipeline> rest,
            Promise<?> linked) {
        HostPort relay = route.relay();
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (Tunnels.tunnels(route)) {
                            ch.pipeline().addLast("proxy", Tunnels.connectHandler(route.proxy().get()));
                        }
                        ch.pipeline().addLast(Keepalive.IDLE, Keepalive.idleDetector());
                        ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), relay.host(), relay.port()));
                        rest.accept(ch.pipeline());
                    }
                });
        ChannelFuture connected = Tunnels.connect(b, route);
        connected.addListener(f -> StartupTrace.mark("tcp"));
        failTogether(connected, linked);
    }

    /**
     * Long-poll: the link runs on one end of a local channel pair, exactly as over TCP (its own TLS, pinned, with
     * the agent's certificate); the other end pumps its ciphertext through HTTP requests.
     */
    private static void overPolls(EventLoop loop, Route route, SslContext tls, Consumer<ChannelPipeline> handshake,
            Promise<?> linked) {
        HostPort relay = route.relay();
        ChannelInitializer<Channel> linkEnd = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(Keepalive.IDLE, Keepalive.idleDetector());
                ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), relay.host(), relay.port()));
                ch.pipeline().addLast(ReadyOnTls.NAME, new ReadyOnTls());
                handshake.accept(ch.pipeline());
            }
        };
        Promise<Void> finished = loop.newPromise();
        ChannelFuture paired = PipeChannel.pair(loop, "long-poll " + route.pollBase(), linkEnd,
                new PollClient(route, tls, linked::tryFailure, finished));
        paired.channel().attr(FINISHED).set(finished);
        failTogether(paired, linked);
    }

    /**
     * Closes a link and waits (at most {@code limit}) until the relay knows: at once over TCP, where the
     * connection's end says it; for long-poll, after the request that ends the session, which a process about
     * to exit would otherwise never send, leaving the relay to think the device online until the session expires.
     */
    public static void closeAndWait(Channel link, java.time.Duration limit) throws InterruptedException {
        link.close().await(limit.toMillis());
        Future<Void> finished = link.attr(FINISHED).get();
        if (finished != null) {
            finished.await(limit.toMillis());
        }
    }

    private static void failTogether(ChannelFuture connect, Promise<?> linked) {
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                linked.tryFailure(f.cause());
            }
        });
        linked.addListener(f -> {
            if (!f.isSuccess()) {
                connect.channel().close();
            }
        });
    }
}

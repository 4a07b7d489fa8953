package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.transport.Dial;
import dev.jumpgate.transport.Route;
import dev.jumpgate.transport.TlsHandlers;
import dev.jumpgate.transport.Transport;
import dev.jumpgate.transport.poll.PollDial;
import dev.jumpgate.transport.proxy.ProxyFailures;
import dev.jumpgate.transport.tls.TlsContexts;
import dev.jumpgate.transport.tls.TlsDial;
import dev.jumpgate.transport.websocket.WebSocketDial;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Dialling the relay: as an agent (say Hello, then serve streams) or as a client (log in, then open them), over
 * any {@link Route}. Each transport's {@link Dial} only builds a byte pipe and fires {@code PipeReady}; the
 * handshake and HTTP/2 above it are the same for all.
 *
 * <pre>
 *   tls        [CONNECT] idle tls ready handshake → h2
 *   websocket  [CONNECT] idle tls http http-body ws ws-bytes handshake → h2
 *   http-poll  pipe pair:  idle tls ready handshake → h2   ⇄   PollClient → HTTP requests [via proxy]
 * </pre>
 */
public final class LinkDialer {

    private static final Dial TLS_DIAL = new TlsDial();
    private static final Dial WEBSOCKET_DIAL = new WebSocketDial();
    private static final Dial POLL_DIAL = new PollDial();

    private LinkDialer() {}

    public static Future<Channel> dial(
            EventLoopGroup group, HostPort relay, SslContext tls, LinkMessage.Hello hello, ChannelHandler streams) {
        return dial(group, Route.direct(relay), tls, hello, streams);
    }

    /**
     * Dials over {@code route}. The returned future completes with the link channel once the relay has welcomed
     * the agent, or fails: {@link LinkRefusedException} when the relay said no, another exception when the relay
     * (or the proxy) could not be reached or failed TLS (a pin mismatch fails here, closed).
     *
     * @param streams the handler installed on each stream the relay opens
     */
    public static Future<Channel> dial(
            EventLoopGroup group, Route route, SslContext tls, LinkMessage.Hello hello, ChannelHandler streams) {
        EventLoop loop = group.next();
        Promise<Channel> linked = loop.newPromise();
        open(
                loop,
                route,
                tls::newHandler,
                () -> tls,
                p -> p.addLast(AgentDialHandshake.NAME, new AgentDialHandshake(hello, streams, linked)),
                linked);
        return explained(loop, route, linked);
    }

    /**
     * Dials over {@code route} as a client logged in as {@code user}, proving the key behind {@code signer}, which
     * may still be loading: TCP and TLS go ahead meanwhile, and the Login waits for it; a key that fails to load
     * fails the dial with that failure. Fails like {@link #dial}; {@link LinkRefusedException} with
     * {@code NOT_AUTHENTICATED} when the relay does not take the key.
     */
    public static Future<ClientLink> dialAsClient(
            EventLoopGroup group,
            Route route,
            Fingerprint pin,
            String user,
            CompletionStage<Signer> signer,
            String version) {
        EventLoop loop = group.next();
        Promise<ClientLink> linked = loop.newPromise();
        open(
                loop,
                route,
                TlsContexts.quickClient(pin),
                () -> TlsContexts.client(pin),
                p -> p.addLast(ClientDialHandshake.NAME, new ClientDialHandshake(user, signer, pin, version, linked)),
                linked);
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
                out.tryFailure(route.proxy()
                        .map(p -> ProxyFailures.explain(p, what, f.cause()))
                        .orElse(f.cause()));
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
    private static void open(
            EventLoop loop,
            Route route,
            TlsHandlers tls,
            Supplier<SslContext> pollTls,
            Consumer<ChannelPipeline> handshake,
            Promise<?> linked) {
        Dial.LinkEnd end = new Dial.LinkEnd() {
            @Override
            public void first(ChannelPipeline p) {
                p.addLast(Keepalive.IDLE, Keepalive.idleDetector());
            }

            @Override
            public void last(ChannelPipeline p) {
                handshake.accept(p);
            }
        };
        dialFor(route.transport()).open(loop, route, new Dial.LinkTls(tls, pollTls), end, linked);
    }

    /** Where each {@link Transport} is dialled: a new transport adds its case. */
    private static Dial dialFor(Transport transport) {
        return switch (transport) {
            case TLS -> TLS_DIAL;
            case WEBSOCKET -> WEBSOCKET_DIAL;
            case HTTP_POLL -> POLL_DIAL;
        };
    }

    /**
     * Closes a link and waits (at most {@code limit}) until the relay knows: at once over TCP, where the
     * connection's end says it; for long-poll, after the request that ends the session, which a process about
     * to exit would otherwise never send, leaving the relay to think the device online until the session expires.
     */
    public static void closeAndWait(Channel link, Duration limit) throws InterruptedException {
        link.close().await(limit.toMillis());
        Future<Void> finished = link.attr(Dial.FINISHED).get();
        if (finished != null) {
            finished.await(limit.toMillis());
        }
    }
}

package dev.jumpgate.transport.websocket;

import dev.jumpgate.transport.Dial;
import dev.jumpgate.transport.Route;
import dev.jumpgate.transport.tls.TlsDial;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Promise;

/**
 * The WebSocket transport's dialling side: TLS over TCP (or CONNECT) as {@link TlsDial}, then an HTTP/1.1 upgrade
 * to a WebSocket at {@link WsBytes#PATH} whose binary frames carry the link's bytes; ready once the upgrade is.
 *
 * <pre>
 *   [proxy] idle tls http http-body ws ws-bytes handshake → h2
 * </pre>
 */
public final class WebSocketDial implements Dial {

    @Override
    public ChannelFuture open(EventLoop loop, Route route, LinkTls tls, LinkEnd end, Promise<?> linked) {
        return TlsDial.overTcp(
                loop,
                route,
                tls.handlers(),
                end,
                p -> {
                    WebSocketDialHandshake.install(p, route.relay());
                    p.addLast("ws-bytes", new WsBytes());
                },
                linked);
    }
}

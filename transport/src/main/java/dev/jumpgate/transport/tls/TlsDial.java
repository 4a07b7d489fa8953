package dev.jumpgate.transport.tls;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.transport.Dial;
import dev.jumpgate.transport.Route;
import dev.jumpgate.transport.StartupTrace;
import dev.jumpgate.transport.TlsHandlers;
import dev.jumpgate.transport.Tunnels;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Promise;
import java.util.function.Consumer;

/**
 * The TLS transport's dialling side: the link's bytes straight on a TCP connection (or an HTTP CONNECT tunnel),
 * ready once TLS is.
 *
 * <pre>
 *   [proxy] idle tls ready handshake → h2
 * </pre>
 */
public final class TlsDial implements Dial {

    private static final int CONNECT_TIMEOUT_MS = 10_000;

    @Override
    public ChannelFuture open(EventLoop loop, Route route, LinkTls tls, LinkEnd end, Promise<?> linked) {
        return overTcp(loop, route, tls.handlers(), end, p -> p.addLast(ReadyOnTls.NAME, new ReadyOnTls()), linked);
    }

    /**
     * A link end on a TCP connection to the route's destination, through a CONNECT tunnel when the route has a
     * proxy: {@code end.first}, the link's TLS, the transport's {@code pipe} handlers, then {@code end.last}. Every
     * transport over TCP dials with it.
     */
    public static ChannelFuture overTcp(
            EventLoop loop,
            Route route,
            TlsHandlers tls,
            LinkEnd end,
            Consumer<ChannelPipeline> pipe,
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
                            ch.pipeline()
                                    .addLast(
                                            "proxy",
                                            Tunnels.connectHandler(route.proxy().get()));
                        }
                        end.first(ch.pipeline());
                        ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), relay.host(), relay.port()));
                        pipe.accept(ch.pipeline());
                        end.last(ch.pipeline());
                    }
                });
        ChannelFuture connected = Tunnels.connect(b, route);
        connected.addListener(f -> StartupTrace.mark("tcp"));
        Dial.failTogether(connected, linked);
        return connected;
    }
}

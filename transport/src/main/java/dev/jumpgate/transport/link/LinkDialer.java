package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.protocol.LinkMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.transport.tls.TlsContexts;
import java.util.function.Consumer;

/** Dialling the relay: as an agent (say Hello, then serve streams) or as a client (log in, then open them). */
public final class LinkDialer {

    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private LinkDialer() {
    }

    /**
     * Dials {@code relay}. The returned future completes with the link channel once the relay has welcomed the
     * agent, or fails: {@link LinkRefusedException} when the relay said no, another exception when the relay
     * could not be reached or failed TLS (a pin mismatch fails here, closed).
     *
     * @param streams the handler installed on each stream the relay opens
     */
    public static Future<Channel> dial(EventLoopGroup group, HostPort relay, SslContext tls, LinkMessage.Hello hello,
            ChannelHandler streams) {
        Promise<Channel> linked = group.next().newPromise();
        ChannelFuture connect = connect(group, relay, tls, ch -> ch.pipeline().addLast(AgentHandshake.NAME,
                new AgentHandshake(hello, streams, linked)));
        failTogether(connect, linked);
        return linked;
    }

    /**
     * Dials {@code relay} as a client logged in as {@code user}, proving the key behind {@code signer}. Fails
     * like {@link #dial}; {@link LinkRefusedException} with {@code NOT_AUTHENTICATED} when the relay does not
     * take the key.
     */
    public static Future<ClientLink> dialAsClient(EventLoopGroup group, HostPort relay, Fingerprint pin,
            String user, Signer signer, String version) {
        Promise<ClientLink> linked = group.next().newPromise();
        SslContext tls = TlsContexts.client(pin);
        ChannelFuture connect = connect(group, relay, tls, ch -> ch.pipeline().addLast(ClientHandshake.NAME,
                new ClientHandshake(user, signer, pin, version, linked)));
        failTogether(connect, linked);
        return linked;
    }

    private static ChannelFuture connect(EventLoopGroup group, HostPort relay, SslContext tls,
            Consumer<SocketChannel> handshake) {
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("idle", Keepalive.idleDetector());
                        ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), relay.host(), relay.port()));
                        handshake.accept(ch);
                    }
                });
        return b.connect(relay.host(), relay.port());
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

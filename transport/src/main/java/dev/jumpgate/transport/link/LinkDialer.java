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

/** The agent's way out: dial the relay over TLS, say Hello, and serve streams over HTTP/2 once welcome. */
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
                        ch.pipeline().addLast(AgentHandshake.NAME, new AgentHandshake(hello, streams, linked));
                    }
                });
        ChannelFuture connect = b.connect(relay.host(), relay.port());
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
        return linked;
    }
}

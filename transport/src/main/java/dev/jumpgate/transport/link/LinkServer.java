package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.HostPort;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The relay's TLS endpoint that agents dial. Each accepted connection becomes a {@link RelayLink}. */
public final class LinkServer implements AutoCloseable {

    private final Channel server;

    private LinkServer(Channel server) {
        this.server = server;
    }

    public static LinkServer start(EventLoopGroup group, HostPort listen, SslContext tls, LinkAuthorizer authorizer,
            Executor blocking, Consumer<RelayLink> onLink) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("idle", Keepalive.idleDetector());
                        ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        ch.pipeline().addLast(RelayHandshake.NAME, new RelayHandshake(authorizer, blocking, onLink));
                        // A connection that has not finished its handshake in time is a slowloris; drop it.
                        ch.eventLoop().schedule(() -> {
                            if (ch.pipeline().get(RelayHandshake.NAME) != null) {
                                ch.close();
                            }
                        }, LinkSettings.HANDSHAKE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                    }
                });
        Channel ch = b.bind(new InetSocketAddress(listen.host(), listen.port())).sync().channel();
        return new LinkServer(ch);
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }
}

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
import dev.jumpgate.transport.tls.TlsContexts;
import dev.jumpgate.transport.tls.TlsIdentity;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The relay's TLS endpoint: agents link here (each link a {@link RelayLink}), and clients too. */
public final class LinkServer implements AutoCloseable {

    private final Channel server;

    private LinkServer(Channel server) {
        this.server = server;
    }

    /** Serves agents and clients on one port; the magic each sends first says which it is. */
    public static LinkServer start(EventLoopGroup group, HostPort listen, TlsIdentity identity, String version,
            LinkAuthorizer agents, Consumer<RelayLink> onLink, ClientAuthorizer clients, Executor blocking)
            throws InterruptedException {
        SslContext tls = TlsContexts.relay(identity);
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
                        ch.pipeline().addLast(LinkPort.NAME, new LinkPort(
                                () -> new RelayHandshake(agents, blocking, onLink),
                                () -> new ClientGate(clients, blocking, identity.fingerprint(), version)));
                        // A connection that has not finished its handshake in time is a slowloris; drop it.
                        ch.eventLoop().schedule(() -> {
                            if (ch.pipeline().get(Http2Roles.CODEC) == null) {
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

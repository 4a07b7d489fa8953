package dev.jumpgate.client;

import dev.jumpgate.transport.stream.Splice;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A port on 127.0.0.1 whose every connection becomes a stream to one device target: {@code jumpgate connect}
 * (the device's SSH) and {@code jumpgate tunnel} (any port the device and the grant allow). Loopback only, so
 * the port is no way into the device for anyone else on the network.
 */
public final class PortForwarder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PortForwarder.class);

    private final Channel server;

    private PortForwarder(Channel server) {
        this.server = server;
    }

    /** Binds {@code 127.0.0.1:localPort} (0: any free port) and serves until closed. */
    public static PortForwarder start(RelayClient relay, int localPort, String device, int port, String targetHost)
            throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(relay.group())
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                relay.open(device, port, targetHost).whenComplete((opened, failure) -> {
                                    if (failure != null) {
                                        log.warn("connection from {}: {}", ch.remoteAddress(), failure.getMessage());
                                        ch.close();
                                        return;
                                    }
                                    ch.pipeline().remove(this);
                                    opened.stream().pipeline().remove(opened);
                                    Splice.join(opened.stream(), opened.held(), ch);
                                });
                            }
                        });
                    }
                });
        return new PortForwarder(
                b.bind(new InetSocketAddress("127.0.0.1", localPort)).sync().channel());
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public ChannelFuture closeFuture() {
        return server.closeFuture();
    }

    @Override
    public void close() {
        server.close();
    }
}

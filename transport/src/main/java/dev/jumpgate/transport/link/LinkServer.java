package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.transport.poll.PollEndpoint;
import dev.jumpgate.transport.poll.PollSessions;
import dev.jumpgate.transport.tls.TlsContexts;
import dev.jumpgate.transport.tls.TlsIdentity;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The relay's TLS endpoint: agents link here (each link a {@link RelayLink}), and clients too, over plain TLS,
 * a WebSocket or long-poll requests, all on one port. Optionally a plain-HTTP port serves long-poll alone, for
 * proxies that refuse CONNECT.
 */
public final class LinkServer implements AutoCloseable {

    private final Channel server;
    private final Optional<Channel> pollServer;
    private final PollSessions polls;

    private LinkServer(Channel server, Optional<Channel> pollServer, PollSessions polls) {
        this.server = server;
        this.pollServer = pollServer;
        this.polls = polls;
    }

    public static LinkServer start(EventLoopGroup group, HostPort listen, TlsIdentity identity, String version,
            LinkAuthorizer agents, Consumer<RelayLink> onLink, ClientAuthorizer clients, Executor blocking)
            throws InterruptedException {
        return start(group, listen, Optional.empty(), identity, version, agents, onLink, clients, blocking);
    }

    /** Serves agents and clients on one port; the magic each sends first says which it is. */
    public static LinkServer start(EventLoopGroup group, HostPort listen, Optional<HostPort> pollListen,
            TlsIdentity identity, String version, LinkAuthorizer agents, Consumer<RelayLink> onLink,
            ClientAuthorizer clients, Executor blocking) throws InterruptedException {
        SslContext tls = TlsContexts.relay(identity);
        Supplier<ChannelHandler> agentHandshake = () -> new RelayHandshake(agents, blocking, onLink);
        Supplier<ChannelHandler> clientGate = () -> new ClientGate(clients, blocking, identity.fingerprint(), version);
        Supplier<ChannelHandler> innerPort = () -> new LinkPort(agentHandshake, clientGate, null);
        PollSessions[] sessions = new PollSessions[1];
        Supplier<HttpFront> http = () -> new HttpFront(new PollEndpoint(sessions[0]), innerPort);
        // Every link starts the same, whether its bytes came over TCP or out of long-poll requests.
        Consumer<Channel> linkEnd = ch -> {
            ch.pipeline().addLast(Keepalive.IDLE, Keepalive.idleDetector());
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
            ch.pipeline().addLast(LinkPort.NAME, new LinkPort(agentHandshake, clientGate, http));
            // A connection that has not finished its handshake in time is a slowloris; drop it. HTTP
            // connections that carry long-poll requests never get HTTP/2 and answer for their own idleness.
            ch.eventLoop().schedule(() -> {
                if (ch.pipeline().get(Http2Roles.CODEC) == null && ch.pipeline().get(HttpFront.NAME) == null) {
                    ch.close();
                }
            }, LinkSettings.HANDSHAKE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        };
        sessions[0] = new PollSessions(group, linkEnd);
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        linkEnd.accept(ch);
                    }
                });
        Channel ch = b.bind(new InetSocketAddress(listen.host(), listen.port())).sync().channel();
        Optional<Channel> poll = Optional.empty();
        if (pollListen.isPresent()) {
            PollEndpoint endpoint = new PollEndpoint(sessions[0]);
            ServerBootstrap p = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(Keepalive.IDLE, Keepalive.idleDetector());
                            c.pipeline().addLast("first", new io.netty.channel.ChannelInboundHandlerAdapter());
                            HttpFront.install(c.pipeline(), "first", new HttpFront(endpoint, null));
                        }
                    });
            try {
                poll = Optional.of(p.bind(new InetSocketAddress(pollListen.get().host(), pollListen.get().port()))
                        .sync().channel());
            } catch (InterruptedException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }
        return new LinkServer(ch, poll, sessions[0]);
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** The plain-HTTP long-poll port, if one was asked for. */
    public Optional<InetSocketAddress> pollAddress() {
        return pollServer.map(c -> (InetSocketAddress) c.localAddress());
    }

    public int pollSessions() {
        return polls.count();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        pollServer.ifPresent(c -> c.close().syncUninterruptibly());
        polls.closeAll();
    }
}

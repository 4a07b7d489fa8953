package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.transport.poll.PollEndpoint;
import dev.jumpgate.transport.poll.PollLimits;
import dev.jumpgate.transport.poll.PollSessions;
import dev.jumpgate.transport.tls.TlsContexts;
import dev.jumpgate.transport.tls.TlsIdentity;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
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
import java.util.function.Function;
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

    /**
     * What a link server serves, where, and whom it lets on.
     *
     * @param listen the TLS port: agents and clients, over TLS, a WebSocket or long-poll requests
     * @param pollListen a plain-HTTP port for long-poll alone, for proxies that refuse CONNECT
     * @param agents the admission of agents; {@code onLink} gets the link of each one admitted
     * @param clients the admission of clients ({@link ClientAdmission#NONE} for a relay that serves agents only)
     * @param blocking where the admissions run: off the event loop, as they may touch the database
     * @param starts bounds the connections (both ports) that have not authenticated yet
     * @param pollLimits bounds the long-poll sessions, before and after their link authenticated
     */
    public record Settings(
            HostPort listen,
            Optional<HostPort> pollListen,
            TlsIdentity identity,
            String version,
            AgentAdmission agents,
            Consumer<RelayLink> onLink,
            ClientAdmission clients,
            Executor blocking,
            StartLimit.Settings starts,
            PollLimits pollLimits) {

        /** Agents only, on one port, with the default limits. */
        public static Settings agents(
                HostPort listen,
                TlsIdentity identity,
                String version,
                AgentAdmission agents,
                Consumer<RelayLink> onLink,
                Executor blocking) {
            return new Settings(
                    listen,
                    Optional.empty(),
                    identity,
                    version,
                    agents,
                    onLink,
                    ClientAdmission.NONE,
                    blocking,
                    StartLimit.Settings.DEFAULTS,
                    PollLimits.DEFAULTS);
        }

        public Settings withPollListen(HostPort poll) {
            return new Settings(
                    listen,
                    Optional.of(poll),
                    identity,
                    version,
                    agents,
                    onLink,
                    clients,
                    blocking,
                    starts,
                    pollLimits);
        }
    }

    /** Serves agents and clients on one port; the magic each sends first says which it is. */
    public static LinkServer start(EventLoopGroup group, Settings settings) throws InterruptedException {
        HostPort listen = settings.listen();
        Optional<HostPort> pollListen = settings.pollListen();
        TlsIdentity identity = settings.identity();
        Executor blocking = settings.blocking();
        SslContext tls = TlsContexts.relay(identity);
        StartLimit startLimit = new StartLimit(settings.starts());
        Supplier<ChannelHandler> agentHandshake =
                () -> new AgentAcceptHandshake(settings.agents(), blocking, settings.onLink());
        Supplier<ChannelHandler> clientHandshake = () ->
                new ClientAcceptHandshake(settings.clients(), blocking, identity.fingerprint(), settings.version());
        Supplier<ChannelHandler> innerDispatch = () -> new LinkAcceptDispatch(agentHandshake, clientHandshake, null);
        PollSessions[] sessions = new PollSessions[1];
        Supplier<HttpAcceptDispatch> http = () -> new HttpAcceptDispatch(new PollEndpoint(sessions[0]), innerDispatch);
        // Every link starts the same, whether its bytes came over TCP or out of long-poll requests.
        Consumer<Channel> linkEnd = ch -> {
            ch.pipeline().addLast(Keepalive.IDLE, Keepalive.idleDetector());
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
            ch.pipeline()
                    .addLast(LinkAcceptDispatch.NAME, new LinkAcceptDispatch(agentHandshake, clientHandshake, http));
            closeUnlessAuthenticatedInTime(ch);
        };
        sessions[0] = new PollSessions(
                group,
                (ch, onLinked) -> {
                    Authentication.then(ch, onLinked);
                    linkEnd.accept(ch);
                },
                settings.pollLimits());
        // Both ports let a connection on only within the bound on connections that have not authenticated yet.
        Function<Consumer<Channel>, ServerBootstrap> port = start -> new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (startLimit.tryCount(ch)) {
                            start.accept(ch);
                        } else {
                            ch.close();
                        }
                    }
                });
        ServerBootstrap b = port.apply(linkEnd);
        Channel ch = b.bind(new InetSocketAddress(listen.host(), listen.port()))
                .sync()
                .channel();
        Optional<Channel> poll = Optional.empty();
        if (pollListen.isPresent()) {
            PollEndpoint endpoint = new PollEndpoint(sessions[0]);
            ServerBootstrap p = port.apply(c -> {
                closeUnlessAuthenticatedInTime(c);
                c.pipeline().addLast(Keepalive.IDLE, Keepalive.idleDetector());
                c.pipeline().addLast("first", new ChannelInboundHandlerAdapter());
                HttpAcceptDispatch.install(c.pipeline(), "first", new HttpAcceptDispatch(endpoint, null));
            });
            try {
                poll = Optional.of(p.bind(new InetSocketAddress(
                                pollListen.get().host(), pollListen.get().port()))
                        .sync()
                        .channel());
            } catch (InterruptedException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }
        return new LinkServer(ch, poll, sessions[0]);
    }

    /**
     * A connection that has not authenticated within the handshake limit is a slowloris, or a flood: dropped,
     * whatever it turned into meanwhile (a WebSocket, HTTP requests for sessions that never linked). HTTP
     * connections that carry requests for linked sessions count as authenticated ({@link HttpAcceptDispatch#proven}).
     */
    private static void closeUnlessAuthenticatedInTime(Channel ch) {
        ch.eventLoop()
                .schedule(
                        () -> {
                            if (!Authentication.done(ch) && !HttpAcceptDispatch.proven(ch)) {
                                ch.close();
                            }
                        },
                        LinkSettings.HANDSHAKE_LIMIT.toMillis(),
                        TimeUnit.MILLISECONDS);
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

    /** Long-poll sessions whose link has not authenticated. */
    public int pollUnlinked() {
        return polls.unlinked();
    }

    /** Early bytes every long-poll session holds together. */
    public long pollHeldBytes() {
        return polls.heldBytes();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        pollServer.ifPresent(c -> c.close().syncUninterruptibly());
        polls.closeAll();
    }
}

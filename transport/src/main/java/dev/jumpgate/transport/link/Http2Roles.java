package dev.jumpgate.transport.link;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.WeightedFairQueueByteDistributor;
import io.netty.handler.logging.LogLevel;
import java.time.Duration;

/**
 * Installs HTTP/2 on a link once its handshake is done. The side that opens sessions is the HTTP/2 client (the
 * <em>opener</em>), the other the server (the <em>acceptor</em>). On an agent link the roles are reversed from
 * the TCP connection: the relay opens a stream per session although only the agent ever dialled. On a client
 * link they are not: the client dials and opens streams, the relay accepts them.
 */
final class Http2Roles {

    static final String CODEC = "h2";
    static final String KEEPALIVE = "keepalive";
    static final String STREAMS = "streams";

    /** Every frame, at TRACE level of logger {@code dev.jumpgate.frames}: off unless asked for. */
    private static final Http2FrameLogger FRAMES = new Http2FrameLogger(LogLevel.TRACE, "dev.jumpgate.frames");

    private Http2Roles() {}

    /** {@link #installOpener(ChannelPipeline, String, String, Duration)} for the relay. */
    static void installOpener(ChannelPipeline p, String after, String peer) {
        installOpener(p, after, peer, LinkSettings.PING_INTERVAL);
    }

    /**
     * Opens streams, accepts none: the relay on an agent link, the client on a client link. Pings every
     * {@code ping}: the client uses the interval the relay's Welcome asked for.
     */
    static void installOpener(ChannelPipeline p, String after, String peer, Duration ping) {
        Http2FrameCodec codec = new CodecBuilder(false)
                .initialSettings(LinkSettings.openerHttp2())
                .frameLogger(FRAMES)
                .build();
        install(p, after, codec, peer, new ChannelInboundHandlerAdapter(), ping);
    }

    /** {@link #installAcceptor(ChannelPipeline, String, String, ChannelHandler, Duration)} for the relay. */
    static void installAcceptor(ChannelPipeline p, String after, String peer, ChannelHandler streams) {
        installAcceptor(p, after, peer, streams, LinkSettings.PING_INTERVAL);
    }

    /**
     * Accepts streams, each handed to {@code streams}: the agent, and the relay on a client link. Pings every
     * {@code ping}: the agent uses the interval the relay's Welcome asked for.
     */
    static void installAcceptor(ChannelPipeline p, String after, String peer, ChannelHandler streams, Duration ping) {
        Http2FrameCodec codec = new CodecBuilder(true)
                .initialSettings(LinkSettings.acceptorHttp2())
                .frameLogger(FRAMES)
                .build();
        install(p, after, codec, peer, streams, ping);
    }

    private static void install(
            ChannelPipeline p,
            String after,
            Http2FrameCodec codec,
            String peer,
            ChannelHandler streams,
            Duration ping) {
        p.addAfter(after, CODEC, codec);
        p.addAfter(CODEC, KEEPALIVE, new Keepalive(peer, ping));
        p.addAfter(KEEPALIVE, STREAMS, new Http2MultiplexHandler(streams));
        p.addAfter(STREAMS, LinkErrors.NAME, LinkErrors.INSTANCE);
        // HTTP/2 starts every connection window at 64 KiB whatever SETTINGS say; widen it once.
        int grow = LinkSettings.CONNECTION_WINDOW - 65_535;
        p.context(KEEPALIVE).writeAndFlush(new DefaultHttp2WindowUpdateFrame(grow));
    }

    /** Netty's builder with the link's own share of the window among streams ({@link LinkSettings#SHARE_QUANTUM}). */
    private static final class CodecBuilder extends Http2FrameCodecBuilder {
        CodecBuilder(boolean server) {
            gracefulShutdownTimeoutMillis(0); // as Netty's forClient() and forServer()
            Http2Connection connection = new DefaultHttp2Connection(server); // which says which side it is
            WeightedFairQueueByteDistributor turns = new WeightedFairQueueByteDistributor(connection);
            turns.allocationQuantum(LinkSettings.SHARE_QUANTUM);
            connection.remote().flowController(new DefaultHttp2RemoteFlowController(connection, turns));
            connection(connection);
        }
    }
}

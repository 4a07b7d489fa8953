package dev.jumpgate.transport.link;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.logging.LogLevel;

/**
 * Installs HTTP/2 on a link once the handshake is done, roles reversed: the agent, which dialled, is the HTTP/2
 * server; the relay, which accepted, is the client and opens one stream per session. This lets the relay open
 * streams on demand while only the agent ever opens a TCP connection.
 */
final class Http2Roles {

    static final String CODEC = "h2";
    static final String KEEPALIVE = "keepalive";
    static final String STREAMS = "streams";

    /** Every frame, at TRACE level of logger {@code dev.jumpgate.frames}: off unless asked for. */
    private static final Http2FrameLogger FRAMES = new Http2FrameLogger(LogLevel.TRACE, "dev.jumpgate.frames");

    private Http2Roles() {
    }

    /** The relay's side: opens streams, accepts none. */
    static void installRelay(ChannelPipeline p, String after, String peer) {
        Http2FrameCodec codec = Http2FrameCodecBuilder.forClient().initialSettings(LinkSettings.relayHttp2())
                .frameLogger(FRAMES).build();
        install(p, after, codec, peer, new ChannelInboundHandlerAdapter());
    }

    /** The agent's side: every stream the relay opens is handed to {@code streams}. */
    static void installAgent(ChannelPipeline p, String after, String peer, ChannelHandler streams) {
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer().initialSettings(LinkSettings.agentHttp2())
                .frameLogger(FRAMES).build();
        install(p, after, codec, peer, streams);
    }

    private static void install(ChannelPipeline p, String after, Http2FrameCodec codec, String peer,
            ChannelHandler streams) {
        p.addAfter(after, CODEC, codec);
        p.addAfter(CODEC, KEEPALIVE, new Keepalive(peer));
        p.addAfter(KEEPALIVE, STREAMS, new Http2MultiplexHandler(streams));
        // HTTP/2 starts every connection window at 64 KiB whatever SETTINGS say; widen it once.
        int grow = LinkSettings.CONNECTION_WINDOW - 65_535;
        p.context(KEEPALIVE).writeAndFlush(new DefaultHttp2WindowUpdateFrame(grow));
    }
}

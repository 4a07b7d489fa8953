package dev.jumpgate.transport.stream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * Joins two channels both ways with a {@link Forwarder} each: an HTTP/2 stream to a TCP socket (the agent to
 * its targets, the client to local connections) or a stream to a stream (the relay, from a client to a device).
 * Half-closes travel: END_STREAM shuts the socket's output, socket EOF sends END_STREAM. A reset or an error
 * on either side closes both.
 *
 * <p>Both channels must have auto-read off. The channels may live on different event loops; each side is set
 * up on its own loop: {@code stepAside} (the handler that held its frames, or null) is removed, the forwarder
 * installed, and the held frames written first, so no frame can slip between them.
 */
public final class Splice {

    private Splice() {}

    public static void join(Http2StreamChannel stream, Queue<Object> heldFromStream, DuplexChannel socket) {
        join(stream, heldFromStream, socket, Sink.of(socket));
    }

    /** As above, with the stream's bytes written to the socket through {@code toSocket} (a framing, say). */
    public static void join(
            Http2StreamChannel stream, Queue<Object> heldFromStream, DuplexChannel socket, Sink toSocket) {
        install(stream, null, heldFromStream, new Forwarder(stream, toSocket));
        install(socket, null, new ArrayDeque<>(), new Forwarder(socket, Sink.of(stream)));
    }

    public static void join(
            Http2StreamChannel a,
            ChannelHandler stepAsideA,
            Queue<Object> heldFromA,
            Http2StreamChannel b,
            ChannelHandler stepAsideB,
            Queue<Object> heldFromB) {
        install(a, stepAsideA, heldFromA, new Forwarder(a, Sink.of(b)));
        install(b, stepAsideB, heldFromB, new Forwarder(b, Sink.of(a)));
    }

    private static void install(Channel ch, ChannelHandler stepAside, Queue<Object> held, Forwarder forwarder) {
        Runnable setUp = () -> {
            ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            ch.config().setAutoRead(false);
            if (stepAside != null && ch.pipeline().context(stepAside) != null) {
                ch.pipeline().remove(stepAside);
            }
            ch.pipeline().addLast("splice", forwarder);
            for (Object msg; (msg = held.poll()) != null; ) {
                forwarder.accept(msg);
            }
            forwarder.resume();
        };
        Forwarder.onLoopOf(ch, setUp);
    }
}

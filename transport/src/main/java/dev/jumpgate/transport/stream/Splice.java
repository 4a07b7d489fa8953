package dev.jumpgate.transport.stream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * Joins two channels both ways with a {@link Forwarder} each: an HTTP/2 stream to a TCP socket (the agent, to
 * its targets) or a stream to a stream (the relay, from a client to a device). Half-closes travel: END_STREAM
 * shuts the socket's output, socket EOF sends END_STREAM. A reset or an error on either side closes both.
 *
 * <p>Both channels must have auto-read off; frames a stream delivered before the join (held while the other
 * side was being set up) are passed in and written first, in order.
 */
public final class Splice {

    private Splice() {
    }

    public static void join(Http2StreamChannel stream, Queue<Object> heldFromStream, DuplexChannel socket) {
        socket.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        connect(stream, heldFromStream, Sink.of(stream), socket, new ArrayDeque<>(), Sink.of(socket));
    }

    public static void join(Http2StreamChannel a, Queue<Object> heldFromA, Http2StreamChannel b,
            Queue<Object> heldFromB) {
        connect(a, heldFromA, Sink.of(a), b, heldFromB, Sink.of(b));
    }

    private static void connect(Channel a, Queue<Object> heldFromA, Sink intoA, Channel b, Queue<Object> heldFromB,
            Sink intoB) {
        a.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        b.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        Forwarder fromA = new Forwarder(a, intoB);
        Forwarder fromB = new Forwarder(b, intoA);
        a.pipeline().addLast("splice", fromA);
        b.pipeline().addLast("splice", fromB);
        drain(heldFromA, fromA);
        drain(heldFromB, fromB);
        fromA.readIfIdle();
        fromB.readIfIdle();
    }

    private static void drain(Queue<Object> held, Forwarder into) {
        for (Object msg; (msg = held.poll()) != null; ) {
            into.accept(msg);
        }
    }
}

package dev.jumpgate.transport;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.function.Supplier;

/**
 * One transport's dialling side: opens a byte pipe to the relay along a {@link Route} and puts the link's end on
 * it. The link (its TLS, handshake, HTTP/2) is the same over every transport; a transport only carries its bytes
 * and fires {@link PipeReady} down the link end's pipeline once they flow.
 *
 * <p>Each transport's package has one: {@code tls.TlsDial}, {@code websocket.WebSocketDial},
 * {@code poll.PollDial}. A new transport adds a {@link Transport} value, a package with its {@code Dial} (and its
 * accepting side on the relay), and the case that picks it in {@code link.LinkDialer}.
 */
public interface Dial {

    /**
     * On a link end whose connection's end is not the link's (long-poll): done once the relay has heard that the
     * link is over.
     */
    AttributeKey<Future<Void>> FINISHED = AttributeKey.valueOf("jumpgate.dial.finished");

    /**
     * Opens the pipe for {@code route} on {@code loop}. The link end's pipeline gets, in this order,
     * {@code end.first} (before any TLS), the link's TLS ({@code tls}), the transport's own handlers, and
     * {@code end.last} (the handshake, which starts on {@link PipeReady}).
     *
     * @param linked the link's promise: failed when the pipe cannot open or dies; when it fails, the pipe closes
     * @return the pipe's connecting (or pairing) future
     */
    ChannelFuture open(EventLoop loop, Route route, LinkTls tls, LinkEnd end, Promise<?> linked);

    /** The link's TLS: handlers for a link over TCP, Netty's context where the pipe is not a socket. */
    record LinkTls(TlsHandlers handlers, Supplier<SslContext> context) {}

    /** What the link puts on a pipe's end, around the transport's handlers. */
    interface LinkEnd {

        /** The first handlers, in front of the link's TLS: the idle detector. */
        void first(ChannelPipeline p);

        /** The last handlers: the handshake. */
        void last(ChannelPipeline p);
    }

    /** The pipe closes when the link fails; the link fails when the pipe cannot open. */
    static void failTogether(ChannelFuture connect, Promise<?> linked) {
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
    }
}

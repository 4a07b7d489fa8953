package dev.jumpgate.transport.poll;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.transport.Dial;
import dev.jumpgate.transport.Route;
import dev.jumpgate.transport.tls.ReadyOnTls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Promise;

/**
 * The long-poll transport's dialling side: the link runs on one end of a local channel pair, exactly as over TCP
 * (its own TLS, pinned, with the agent's certificate); the other end, a {@link PollClient}, pumps its ciphertext
 * through HTTP requests (through a proxy if the route has one). {@link Dial#FINISHED} on the link end says when
 * the relay has heard that the session is over.
 *
 * <pre>
 *   pipe pair:  idle tls ready handshake → h2   ⇄   PollClient → HTTP requests [via proxy]
 * </pre>
 */
public final class PollDial implements Dial {

    @Override
    public ChannelFuture open(EventLoop loop, Route route, LinkTls tls, LinkEnd end, Promise<?> linked) {
        SslContext context = tls.context().get();
        HostPort relay = route.relay();
        ChannelInitializer<Channel> linkEnd = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                end.first(ch.pipeline());
                ch.pipeline().addLast("tls", context.newHandler(ch.alloc(), relay.host(), relay.port()));
                ch.pipeline().addLast(ReadyOnTls.NAME, new ReadyOnTls());
                end.last(ch.pipeline());
            }
        };
        Promise<Void> finished = loop.newPromise();
        ChannelFuture paired = PipeChannel.pair(
                loop,
                "long-poll " + route.pollBase(),
                linkEnd,
                new PollClient(route, context, linked::tryFailure, finished));
        paired.channel().attr(FINISHED).set(finished);
        Dial.failTogether(paired, linked);
        return paired;
    }
}

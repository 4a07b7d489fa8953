package dev.jumpgate.transport.link;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an HTTP/2 PING every {@link LinkSettings#PING_INTERVAL} and closes the link when nothing at all has
 * been read for {@link LinkSettings#READ_IDLE_LIMIT}. The peer answers every PING, so silence means the path is
 * dead even if TCP has not noticed. Sits between the frame codec and the multiplexer; the
 * {@link IdleStateHandler} that feeds it sits at the head of the pipeline and so counts raw bytes.
 */
final class Keepalive extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(Keepalive.class);

    private final String peer;
    private ScheduledFuture<?> pinger;
    private long sequence;

    Keepalive(String peer) {
        this.peer = peer;
    }

    static IdleStateHandler idleDetector() {
        return new IdleStateHandler(LinkSettings.READ_IDLE_LIMIT.toMillis(), 0, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long every = LinkSettings.PING_INTERVAL.toMillis();
        pinger = ctx.executor().scheduleAtFixedRate(
                () -> ctx.writeAndFlush(new DefaultHttp2PingFrame(++sequence))
                        .addListener(ChannelFutureListener.CLOSE_ON_FAILURE),
                every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (pinger != null) {
            pinger.cancel(false);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            log.warn("link to {}: nothing received for {} s, closing it as dead", peer,
                    LinkSettings.READ_IDLE_LIMIT.toSeconds());
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }
}

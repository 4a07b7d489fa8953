package dev.jumpgate.transport.link;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an HTTP/2 PING every interval ({@link LinkSettings#PING_INTERVAL} unless the relay's Welcome says
 * otherwise) and closes the link when nothing at all has been read for 2.5 intervals
 * ({@link LinkSettings#READ_IDLE_LIMIT}). The peer answers every PING, so silence means the path is dead even if
 * TCP has not noticed. Sits between the frame codec and the multiplexer; the {@link IdleStateHandler} that feeds
 * it sits at the head of the pipeline and so counts raw bytes.
 */
final class Keepalive extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(Keepalive.class);

    /** The name of the {@link IdleStateHandler} at the head of every link's pipeline. */
    static final String IDLE = "idle";
    /** Ping intervals a relay may ask for; anything else keeps the default. */
    private static final int MIN_PING_SECONDS = 1;

    private static final int MAX_PING_SECONDS = 600;

    private final String peer;
    private final Duration every;
    private ScheduledFuture<?> pinger;
    private long sequence;

    Keepalive(String peer, Duration every) {
        this.peer = peer;
        this.every = every;
    }

    static IdleStateHandler idleDetector() {
        return idleDetector(LinkSettings.PING_INTERVAL);
    }

    private static IdleStateHandler idleDetector(Duration every) {
        return new IdleStateHandler(LinkSettings.readIdleLimit(every).toMillis(), 0, 0, TimeUnit.MILLISECONDS);
    }

    /**
     * The interval the relay asked for in its Welcome, so that both ends ping alike and the relay's idle limit
     * holds for the agent's PINGs too; outside 1..600 s (a broken relay), the default.
     */
    static Duration interval(int pingSeconds) {
        return pingSeconds >= MIN_PING_SECONDS && pingSeconds <= MAX_PING_SECONDS
                ? Duration.ofSeconds(pingSeconds)
                : LinkSettings.PING_INTERVAL;
    }

    /** Resets the pipeline's idle limit to match {@code every}, once the Welcome has said it. */
    static void adoptInterval(ChannelPipeline p, Duration every) {
        if (p.get(IDLE) != null) {
            p.replace(IDLE, IDLE, idleDetector(every));
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long every = this.every.toMillis();
        pinger = ctx.executor()
                .scheduleAtFixedRate(
                        () -> ctx.writeAndFlush(new DefaultHttp2PingFrame(++sequence))
                                .addListener(ChannelFutureListener.CLOSE_ON_FAILURE),
                        every,
                        every,
                        TimeUnit.MILLISECONDS);
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
            log.warn(
                    "link to {}: nothing received for {} ms, closing it as dead",
                    peer,
                    ((IdleStateHandler) ctx.pipeline().get(IDLE)).getReaderIdleTimeInMillis());
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }
}

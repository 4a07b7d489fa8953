package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.protocol.LogText;
import dev.jumpgate.protocol.MalformedException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's side of a link handshake (an agent's or a client's): reads the peer's words, asks its admission
 * off the event loop, and answers: a Refusal and close, or a Welcome and HTTP/2 in place of this handler.
 */
abstract sealed class AcceptHandshake extends HandshakeDecoder permits AgentAcceptHandshake, ClientAcceptHandshake {

    private final Logger log = LoggerFactory.getLogger(getClass());
    /** For logs: "link" or "client link". */
    private final String kind;

    private final String name;
    private boolean decided;

    AcceptHandshake(String kind, String name) {
        this.kind = kind;
        this.name = name;
    }

    @Override
    final boolean decided() {
        return decided;
    }

    @Override
    final void malformed(ChannelHandlerContext ctx, MalformedException e) {
        refuse(ctx, new LinkMessage.Refusal(LinkMessage.Reason.PROTOCOL, e.getMessage()));
    }

    /**
     * Decides off the event loop, on {@code blocking} (the admission may touch the database), and answers back
     * on it; the peer's bytes wait meanwhile. A failing admission answers {@code onError}, a full queue a Refusal
     * that says the relay is busy.
     *
     * @param who for the log, whom the admission was asked about
     */
    final <D> void decideOffLoop(
            ChannelHandlerContext ctx,
            Executor blocking,
            Supplier<D> admission,
            Object who,
            Function<LinkMessage.Refusal, D> onError,
            Consumer<D> answer) {
        decided = true;
        ctx.channel().config().setAutoRead(false);
        try {
            blocking.execute(() -> {
                D decision;
                try {
                    decision = admission.get();
                } catch (RuntimeException e) {
                    log.error(
                            "{} from {}: admitting {} failed",
                            kind,
                            ctx.channel().remoteAddress(),
                            who,
                            e);
                    decision = onError.apply(
                            new LinkMessage.Refusal(LinkMessage.Reason.UNAVAILABLE, "relay error, try again later"));
                }
                D given = decision;
                ctx.executor().execute(() -> answer.accept(given));
            });
        } catch (RejectedExecutionException e) {
            // The relay's database queue is full: say so, rather than leave the peer waiting or just close.
            refuse(
                    ctx,
                    new LinkMessage.Refusal(
                            LinkMessage.Reason.UNAVAILABLE,
                            "relay busy: too many logins waiting; try again in a minute"));
        }
    }

    /** Welcomes the peer and puts HTTP/2 ({@code http2}, given this handler's name) in this handler's place. */
    final void welcome(ChannelHandlerContext ctx, LinkMessage welcome, BiConsumer<ChannelPipeline, String> http2) {
        Authentication.succeeded(ctx.channel());
        ctx.writeAndFlush(Frames.encode(ctx.alloc(), welcome, false));
        http2.accept(ctx.pipeline(), name);
        ctx.pipeline().remove(this);
        ctx.channel().config().setAutoRead(true);
    }

    final void refuse(ChannelHandlerContext ctx, LinkMessage.Refusal refusal) {
        decided = true;
        log.info("{} from {} refused: {}", kind, ctx.channel().remoteAddress(), LogText.of(refusal.detail()));
        ctx.writeAndFlush(Frames.encode(ctx.alloc(), refusal, false)).addListener(ChannelFutureListener.CLOSE);
    }

    /** Ends the handshake without a word: the peer does not speak the link protocol at all. */
    final void drop(ChannelHandlerContext ctx) {
        decided = true;
        ctx.close();
    }

    /** The peer said something other than what this step expects. */
    final void unexpected(ChannelHandlerContext ctx, String expected, LinkMessage message) {
        refuse(ctx, new LinkMessage.Refusal(LinkMessage.Reason.PROTOCOL, "expected " + expected + ", got " + message));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.info("{} from {} failed during handshake: {}", kind, ctx.channel().remoteAddress(), LogText.of(cause));
        ctx.close();
    }
}

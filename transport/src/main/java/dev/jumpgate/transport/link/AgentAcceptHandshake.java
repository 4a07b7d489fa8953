package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.LinkCodec;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.protocol.LogText;
import dev.jumpgate.protocol.MalformedException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's half of the link handshake: magic, Hello, decision, then HTTP/2 as the client. Replaces itself
 * with the HTTP/2 handlers when the agent is welcome, closes the link otherwise.
 */
final class AgentAcceptHandshake extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(AgentAcceptHandshake.class);
    static final String NAME = "handshake";

    private final AgentAdmission admission;
    private final Executor blocking;
    private final Consumer<RelayLink> onLink;
    private boolean magicSeen;
    private boolean decided;

    AgentAcceptHandshake(AgentAdmission admission, Executor blocking, Consumer<RelayLink> onLink) {
        this.admission = admission;
        this.blocking = blocking;
        this.onLink = onLink;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (decided) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (!magicSeen) {
            if (in.readableBytes() < LinkCodec.MAGIC.length) {
                return;
            }
            for (byte b : LinkCodec.MAGIC) {
                if (in.readByte() != b) {
                    log.info("connection from {} is not a jumpgate link (bad magic), closing", ctx.channel().remoteAddress());
                    decided = true;
                    ctx.close();
                    return;
                }
            }
            magicSeen = true;
        }
        byte[] body;
        LinkMessage message;
        try {
            body = Frames.take(in);
            if (body == null) {
                return;
            }
            message = LinkCodec.decode(body);
        } catch (MalformedException e) {
            refuse(ctx, new LinkMessage.Refusal(LinkMessage.Reason.PROTOCOL, e.getMessage()));
            return;
        }
        if (!(message instanceof LinkMessage.Hello hello)) {
            refuse(ctx, new LinkMessage.Refusal(LinkMessage.Reason.PROTOCOL, "expected Hello, got " + message));
            return;
        }
        decided = true;
        PublicKey key;
        try {
            Certificate[] certs = ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates();
            key = certs[0].getPublicKey();
        } catch (SSLPeerUnverifiedException e) {
            refuse(ctx, new LinkMessage.Refusal(LinkMessage.Reason.NOT_ENROLLED,
                    "the agent presented no TLS client certificate"));
            return;
        }
        ctx.channel().config().setAutoRead(false);
        try {
            blocking.execute(() -> {
                LinkMessage decision;
                try {
                    decision = admission.admit(hello, key, ctx.channel().remoteAddress());
                } catch (RuntimeException e) {
                    log.error("link from {}: admitting {} failed", ctx.channel().remoteAddress(), hello.device(), e);
                    decision = new LinkMessage.Refusal(LinkMessage.Reason.UNAVAILABLE, "relay error, try again later");
                }
                LinkMessage answer = decision;
                ctx.executor().execute(() -> answer(ctx, hello, answer));
            });
        } catch (RejectedExecutionException e) {
            // The relay's database queue is full: say so, rather than leave the peer waiting or just close.
            refuse(ctx, new LinkMessage.Refusal(LinkMessage.Reason.UNAVAILABLE,
                    "relay busy: too many logins waiting; try again in a minute"));
        }
    }

    private void answer(ChannelHandlerContext ctx, LinkMessage.Hello hello, LinkMessage decision) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (decision instanceof LinkMessage.Refusal refusal) {
            refuse(ctx, refusal);
            return;
        }
        Authentication.succeeded(ctx.channel());
        ctx.writeAndFlush(Frames.encode(ctx.alloc(), decision, false));
        String peer = hello.device() + "@" + ctx.channel().remoteAddress();
        Http2Roles.installOpener(ctx.pipeline(), NAME, peer);
        ctx.pipeline().remove(this);
        ctx.channel().config().setAutoRead(true);
        onLink.accept(new RelayLink(hello.device(), ctx.channel()));
    }

    private void refuse(ChannelHandlerContext ctx, LinkMessage.Refusal refusal) {
        decided = true;
        log.info("link from {} refused: {}", ctx.channel().remoteAddress(), LogText.of(refusal.detail()));
        ctx.writeAndFlush(Frames.encode(ctx.alloc(), refusal, false)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.info("link from {} failed during handshake: {}", ctx.channel().remoteAddress(), LogText.of(cause));
        ctx.close();
    }
}

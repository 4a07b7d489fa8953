package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.LinkCodec;
import dev.jumpgate.protocol.LinkMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's half of an agent's link handshake: magic, Hello, admission, then HTTP/2 as the client. Replaces
 * itself with the HTTP/2 handlers when the agent is welcome, closes the link otherwise.
 */
final class AgentAcceptHandshake extends AcceptHandshake {

    private static final Logger log = LoggerFactory.getLogger(AgentAcceptHandshake.class);
    static final String NAME = "handshake";

    private final AgentAdmission admission;
    private final Executor blocking;
    private final Consumer<RelayLink> onLink;
    private boolean magicSeen;

    AgentAcceptHandshake(AgentAdmission admission, Executor blocking, Consumer<RelayLink> onLink) {
        super("link", NAME);
        this.admission = admission;
        this.blocking = blocking;
        this.onLink = onLink;
    }

    @Override
    boolean prelude(ChannelHandlerContext ctx, ByteBuf in) {
        if (magicSeen) {
            return true;
        }
        if (in.readableBytes() < LinkCodec.MAGIC.length) {
            return false;
        }
        for (byte b : LinkCodec.MAGIC) {
            if (in.readByte() != b) {
                log.info(
                        "connection from {} is not a jumpgate link (bad magic), closing",
                        ctx.channel().remoteAddress());
                drop(ctx);
                return false;
            }
        }
        magicSeen = true;
        return true;
    }

    @Override
    void onMessage(ChannelHandlerContext ctx, LinkMessage message) {
        if (!(message instanceof LinkMessage.Hello hello)) {
            unexpected(ctx, "Hello", message);
            return;
        }
        PublicKey key;
        try {
            Certificate[] certs =
                    ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates();
            key = certs[0].getPublicKey();
        } catch (SSLPeerUnverifiedException e) {
            refuse(
                    ctx,
                    new LinkMessage.Refusal(
                            LinkMessage.Reason.NOT_ENROLLED, "the agent presented no TLS client certificate"));
            return;
        }
        decideOffLoop(
                ctx,
                blocking,
                () -> admission.admit(hello, key, ctx.channel().remoteAddress()),
                hello.device(),
                refusal -> refusal,
                decision -> answer(ctx, hello, decision));
    }

    private void answer(ChannelHandlerContext ctx, LinkMessage.Hello hello, LinkMessage decision) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (decision instanceof LinkMessage.Refusal refusal) {
            refuse(ctx, refusal);
            return;
        }
        String peer = hello.device() + "@" + ctx.channel().remoteAddress();
        welcome(ctx, decision, (pipeline, name) -> Http2Roles.installOpener(pipeline, name, peer));
        onLink.accept(new RelayLink(hello.device(), ctx.channel()));
    }
}

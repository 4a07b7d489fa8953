package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.LinkCodec;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.protocol.LogText;
import dev.jumpgate.protocol.MalformedException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's half of a client link's handshake: magic, Challenge, Login, decision, then HTTP/2 with the relay
 * as the acceptor of the client's streams.
 */
final class ClientAcceptHandshake extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(ClientAcceptHandshake.class);
    static final String NAME = "client-handshake";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ClientAdmission admission;
    private final Executor blocking;
    private final Fingerprint relayCertificate;
    private final String relayVersion;
    private byte[] nonce;
    private boolean decided;

    ClientAcceptHandshake(ClientAdmission admission, Executor blocking, Fingerprint relayCertificate, String relayVersion) {
        this.admission = admission;
        this.blocking = blocking;
        this.relayCertificate = relayCertificate;
        this.relayVersion = relayVersion;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (decided) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (nonce == null) {
            in.skipBytes(LinkCodec.CLIENT_MAGIC.length); // LinkAcceptDispatch checked it
            nonce = new byte[LinkMessage.Challenge.NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            ctx.writeAndFlush(Frames.encode(ctx.alloc(), new LinkMessage.Challenge(nonce, relayVersion), false));
        }
        LinkMessage message;
        try {
            byte[] body = Frames.take(in);
            if (body == null) {
                return;
            }
            message = LinkCodec.decode(body);
        } catch (MalformedException e) {
            refuse(ctx, new LinkMessage.Refusal(LinkMessage.Reason.PROTOCOL, e.getMessage()));
            return;
        }
        if (!(message instanceof LinkMessage.Login login)) {
            refuse(ctx, new LinkMessage.Refusal(LinkMessage.Reason.PROTOCOL, "expected Login, got " + message));
            return;
        }
        decided = true;
        ctx.channel().config().setAutoRead(false);
        try {
            blocking.execute(() -> {
                ClientAdmission.Decision given;
                try {
                    given = admission.admit(login, nonce, relayCertificate, ctx.channel().remoteAddress());
                } catch (RuntimeException e) {
                    log.error("client link from {}: admitting {} failed", ctx.channel().remoteAddress(),
                            LogText.of(login.user()), e);
                    given = new ClientAdmission.Decision.Refused(new LinkMessage.Refusal(
                            LinkMessage.Reason.UNAVAILABLE, "relay error, try again later"));
                }
                ClientAdmission.Decision decision = given;
                ctx.executor().execute(() -> answer(ctx, decision));
            });
        } catch (RejectedExecutionException e) {
            // The relay's database queue is full: say so, rather than leave the peer waiting or just close.
            refuse(ctx, new LinkMessage.Refusal(LinkMessage.Reason.UNAVAILABLE,
                    "relay busy: too many logins waiting; try again in a minute"));
        }
    }

    private void answer(ChannelHandlerContext ctx, ClientAdmission.Decision decision) {
        if (decision instanceof ClientAdmission.Decision.Admitted a) {
            a.linked().accept(ctx.channel()); // even if it closed meanwhile: that is news the relay waits for too
        }
        if (!ctx.channel().isActive()) {
            return;
        }
        switch (decision) {
            case ClientAdmission.Decision.Refused r -> refuse(ctx, r.refusal());
            case ClientAdmission.Decision.Admitted a -> {
                Authentication.succeeded(ctx.channel());
                ctx.writeAndFlush(Frames.encode(ctx.alloc(), new LinkMessage.Welcome(relayVersion,
                        (int) LinkSettings.PING_INTERVAL.toSeconds()), false));
                Http2Roles.installAcceptor(ctx.pipeline(), NAME, "client " + a.user() + "@"
                        + ctx.channel().remoteAddress(), a.streams());
                ctx.pipeline().remove(this);
                ctx.channel().config().setAutoRead(true);
            }
        }
    }

    private void refuse(ChannelHandlerContext ctx, LinkMessage.Refusal refusal) {
        decided = true;
        log.info("client link from {} refused: {}", ctx.channel().remoteAddress(), LogText.of(refusal.detail()));
        ctx.writeAndFlush(Frames.encode(ctx.alloc(), refusal, false)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.info("client link from {} failed during handshake: {}", ctx.channel().remoteAddress(),
                LogText.of(cause));
        ctx.close();
    }
}

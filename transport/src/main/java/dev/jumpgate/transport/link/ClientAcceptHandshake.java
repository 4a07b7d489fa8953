package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.LinkCodec;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.protocol.LogText;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.security.SecureRandom;
import java.util.concurrent.Executor;

/**
 * The relay's half of a client link's handshake: magic, Challenge, Login, admission, then HTTP/2 with the relay
 * as the acceptor of the client's streams.
 */
final class ClientAcceptHandshake extends AcceptHandshake {

    static final String NAME = "client-handshake";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ClientAdmission admission;
    private final Executor blocking;
    private final Fingerprint relayCertificate;
    private final String relayVersion;
    private byte[] nonce;

    ClientAcceptHandshake(
            ClientAdmission admission, Executor blocking, Fingerprint relayCertificate, String relayVersion) {
        super("client link", NAME);
        this.admission = admission;
        this.blocking = blocking;
        this.relayCertificate = relayCertificate;
        this.relayVersion = relayVersion;
    }

    @Override
    boolean prelude(ChannelHandlerContext ctx, ByteBuf in) {
        if (nonce == null) {
            in.skipBytes(LinkCodec.CLIENT_MAGIC.length); // LinkAcceptDispatch checked it
            nonce = new byte[LinkMessage.Challenge.NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            ctx.writeAndFlush(Frames.encode(ctx.alloc(), new LinkMessage.Challenge(nonce, relayVersion), false));
        }
        return true;
    }

    @Override
    void onMessage(ChannelHandlerContext ctx, LinkMessage message) {
        if (!(message instanceof LinkMessage.Login login)) {
            unexpected(ctx, "Login", message);
            return;
        }
        decideOffLoop(
                ctx,
                blocking,
                () -> admission.admit(
                        login, nonce, relayCertificate, ctx.channel().remoteAddress()),
                LogText.of(login.user()),
                ClientAdmission.Decision.Refused::new,
                decision -> answer(ctx, decision));
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
            case ClientAdmission.Decision.Admitted a ->
                welcome(
                        ctx,
                        new LinkMessage.Welcome(relayVersion, (int) LinkSettings.PING_INTERVAL.toSeconds()),
                        (pipeline, name) -> Http2Roles.installAcceptor(
                                pipeline,
                                name,
                                "client " + a.user() + "@" + ctx.channel().remoteAddress(),
                                a.streams()));
        }
    }
}

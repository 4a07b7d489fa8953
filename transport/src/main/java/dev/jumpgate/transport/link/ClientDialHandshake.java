package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.LinkCodec;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.transport.StartupTrace;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The client's half of a client link's handshake: after TLS, send the magic; sign the relay's Challenge with
 * the user's key; on Welcome install HTTP/2 as the opener. The key may still be loading while TCP and TLS run:
 * the signature waits for it, the event loop does not.
 */
final class ClientDialHandshake extends DialHandshake<ClientLink> {

    static final String NAME = "client-handshake";

    private final String user;
    private final CompletionStage<Signer> signer;
    private final Fingerprint relayPin;
    private final String version;
    private boolean challenged;
    private boolean loginSent;

    ClientDialHandshake(
            String user,
            CompletionStage<Signer> signer,
            Fingerprint relayPin,
            String version,
            Promise<ClientLink> linked) {
        super(linked);
        this.user = user;
        this.signer = signer;
        this.relayPin = relayPin;
        this.version = version;
    }

    @Override
    void pipeReady(ChannelHandlerContext ctx) {
        StartupTrace.mark("tls");
        ctx.writeAndFlush(Unpooled.wrappedBuffer(LinkCodec.CLIENT_MAGIC));
    }

    @Override
    void onMessage(ChannelHandlerContext ctx, LinkMessage message) {
        switch (message) {
            case LinkMessage.Challenge c
            when !challenged -> {
                challenged = true;
                StartupTrace.mark("challenge");
                CompletableFuture<Signer> key = signer.toCompletableFuture();
                if (key.isDone()) {
                    login(ctx, key, c);
                } else {
                    key.whenComplete((s, failure) -> ctx.executor().execute(() -> login(ctx, key, c)));
                }
            }
            case LinkMessage.Welcome w
            when loginSent -> {
                StartupTrace.mark("welcome");
                // As the agent does: both ends ping alike, so the relay's idle limit holds for this side's PINGs.
                Duration ping = Keepalive.interval(w.pingSeconds());
                Keepalive.adoptInterval(ctx.pipeline(), ping);
                Http2Roles.installOpener(
                        ctx.pipeline(), NAME, "relay " + ctx.channel().remoteAddress(), ping);
                ctx.pipeline().remove(this);
                linked.trySuccess(new ClientLink(ctx.channel()));
            }
            default -> refusedOrUnexpected(ctx, message);
        }
    }

    private void login(ChannelHandlerContext ctx, CompletableFuture<Signer> key, LinkMessage.Challenge c) {
        if (linked.isDone()) {
            return;
        }
        Signer s;
        try {
            s = key.join();
        } catch (CompletionException | CancellationException e) {
            fail(ctx, e.getCause() != null ? e.getCause() : e);
            return;
        }
        try {
            // The pin, not whatever certificate TLS showed: the pinned trust manager made them equal.
            byte[] signature = s.sign(LinkMessage.Login.signedData(c.nonce(), relayPin));
            ctx.writeAndFlush(
                    Frames.encode(ctx.alloc(), new LinkMessage.Login(user, s.publicKey(), signature, version), false));
            loginSent = true;
            StartupTrace.mark("login-sent");
        } catch (IOException e) {
            fail(ctx, new IOException("cannot sign with " + s.describe() + ": " + e.getMessage(), e));
        }
    }
}

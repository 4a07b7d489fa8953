package dev.jumpgate.relay.client;

import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.protocol.LogText;
import dev.jumpgate.relay.Login;
import dev.jumpgate.relay.Logins;
import dev.jumpgate.relay.store.Store;
import dev.jumpgate.relay.store.StoreBusyException;
import dev.jumpgate.relay.store.UserKey;
import dev.jumpgate.transport.link.ClientAdmission;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.io.IOException;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.signature.SignatureFactory;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a client in with the same SSH key the user logs in to the bastion with: the key must be one of the
 * user's, and the signature must verify over this connection's nonce and this relay's certificate.
 */
public final class UserAdmission implements ClientAdmission {

    private static final Logger log = LoggerFactory.getLogger(UserAdmission.class);

    private final Store store;
    private final Logins logins;
    private final Function<Login, ChannelHandler> streamsFor;

    /** {@code streamsFor} gives the handler for the streams of a login. */
    public UserAdmission(Store store, Logins logins, Function<Login, ChannelHandler> streamsFor) {
        this.store = store;
        this.logins = logins;
        this.streamsFor = streamsFor;
    }

    @Override
    public Decision admit(LinkMessage.Login login, byte[] nonce, Fingerprint relayCertificate, SocketAddress remote) {
        Optional<PublicKey> key = decode(login.publicKey());
        if (key.isEmpty()) {
            return refuse(login, remote, "the client sent a public key the relay cannot read");
        }
        String[] entry = PublicKeyEntry.toString(key.get()).split(" ", 3);
        Optional<String> owner;
        try {
            owner = store.userForKey(entry[0], entry[1]);
        } catch (StoreBusyException e) {
            log.warn("client login as {} from {} refused: {}", LogText.of(login.user()), remote, e.getMessage());
            return new Decision.Refused(new LinkMessage.Refusal(LinkMessage.Reason.UNAVAILABLE, e.getMessage()));
        }
        if (owner.isEmpty() || !owner.get().equals(login.user())) {
            return refuse(
                    login,
                    remote,
                    "key " + KeyUtils.getFingerPrint(key.get()) + " is not a key of user '" + login.user()
                            + "' on this relay");
        }
        if (!verifies(key.get(), login.signature(), LinkMessage.Login.signedData(nonce, relayCertificate))) {
            return refuse(login, remote, "the signature over this connection's challenge does not verify");
        }
        log.info("client {} logged in from {} with key {}", login.user(), remote, KeyUtils.getFingerPrint(key.get()));
        return bind(new UserKey(login.user(), entry[0], entry[1], null));
    }

    /**
     * The link is bound to the key before its channel is known (the login is recorded here, off the event loop);
     * whichever comes second of the channel and an end of the login closes it.
     */
    private Decision bind(UserKey key) {
        AtomicReference<Channel> link = new AtomicReference<>();
        Login bound = logins.open(key, () -> {
            Channel c = link.get();
            if (c != null) {
                c.close();
            }
        });
        return new Decision.Admitted(key.user(), streamsFor.apply(bound), channel -> {
            link.set(channel);
            channel.closeFuture().addListener(f -> logins.closed(bound));
            if (bound.isClosed()) {
                channel.close();
            }
        });
    }

    private static Optional<PublicKey> decode(byte[] blob) {
        try {
            return Optional.ofNullable(new ByteArrayBuffer(blob).getRawPublicKey());
        } catch (RuntimeException | IOException e) {
            return Optional.empty();
        }
    }

    /** The blob is an SSH signature ({@code string algorithm, string signature}), as ssh-agent makes them. */
    private static boolean verifies(PublicKey key, byte[] signatureBlob, byte[] data) {
        try {
            String algorithm = new ByteArrayBuffer(signatureBlob).getString();
            SignatureFactory factory = BuiltinSignatures.fromFactoryName(algorithm);
            if (factory == null
                    || !factory.isSupported()
                    || !KeyUtils.getKeyType(key).equals(KeyUtils.getCanonicalKeyType(algorithm))) {
                return false;
            }
            Signature verifier = factory.create();
            verifier.initVerifier(null, key);
            verifier.update(null, data);
            return verifier.verify(null, signatureBlob);
        } catch (Exception e) {
            return false;
        }
    }

    private static Decision refuse(LinkMessage.Login login, SocketAddress remote, String why) {
        log.warn("client login as {} from {} refused: {}", LogText.of(login.user()), remote, LogText.of(why));
        return new Decision.Refused(new LinkMessage.Refusal(LinkMessage.Reason.NOT_AUTHENTICATED, why));
    }
}

package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.LinkMessage;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.net.SocketAddress;
import java.util.function.Consumer;

/**
 * Admission of a client: the relay's decision on its Login, whether it may onto a link. Runs off the event loop
 * (it touches the database and verifies a signature).
 */
@FunctionalInterface
public interface ClientAdmission {

    /**
     * @param nonce the challenge this connection was sent
     * @param relayCertificate the fingerprint of the certificate this connection was served
     */
    Decision admit(LinkMessage.Login login, byte[] nonce, Fingerprint relayCertificate, SocketAddress remote);

    /** For a relay that serves agents only. */
    ClientAdmission NONE = (login, nonce, cert, remote) -> new Decision.Refused(
            new LinkMessage.Refusal(LinkMessage.Reason.NOT_AUTHENTICATED, "this relay takes no client links"));

    /**
     * Either the user's name, the handler for each stream they open and what to tell of the link once it is up
     * (so the relay can end it when the user's key is taken away), or why not.
     */
    sealed interface Decision {
        record Admitted(String user, ChannelHandler streams, Consumer<Channel> linked) implements Decision {
            public Admitted(String user, ChannelHandler streams) {
                this(user, streams, channel -> {});
            }
        }

        record Refused(LinkMessage.Refusal refusal) implements Decision {}
    }
}

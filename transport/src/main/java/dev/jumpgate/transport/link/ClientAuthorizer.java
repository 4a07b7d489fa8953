package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.LinkMessage;
import io.netty.channel.ChannelHandler;
import java.net.SocketAddress;

/**
 * The relay's decision on a client's Login. Runs off the event loop (it touches the database and verifies a
 * signature).
 */
@FunctionalInterface
public interface ClientAuthorizer {

    /**
     * @param nonce the challenge this connection was sent
     * @param relayCertificate the fingerprint of the certificate this connection was served
     */
    Admission authorize(LinkMessage.Login login, byte[] nonce, Fingerprint relayCertificate, SocketAddress remote);

    /** For a relay that serves agents only. */
    ClientAuthorizer NONE = (login, nonce, cert, remote) -> new Admission.Refused(new LinkMessage.Refusal(
            LinkMessage.Reason.NOT_AUTHENTICATED, "this relay takes no client links"));

    /** Either the user's name and the handler for each stream they open, or why not. */
    sealed interface Admission {
        record Admitted(String user, ChannelHandler streams) implements Admission {
        }

        record Refused(LinkMessage.Refusal refusal) implements Admission {
        }
    }
}

package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.LinkMessage;
import java.net.SocketAddress;
import java.security.PublicKey;

/**
 * The relay's decision on an agent's Hello. Runs off the event loop (it may touch the database). Returns a
 * {@link LinkMessage.Welcome} or a {@link LinkMessage.Refusal}.
 */
@FunctionalInterface
public interface LinkAuthorizer {
    LinkMessage authorize(LinkMessage.Hello hello, PublicKey agentKey, SocketAddress remote);
}

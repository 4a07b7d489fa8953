package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.LinkMessage;
import java.net.SocketAddress;
import java.security.PublicKey;

/**
 * Admission of an agent: the relay's decision on its Hello, whether it may onto a link. Runs off the event loop
 * (it may touch the database). Returns a {@link LinkMessage.Welcome} or a {@link LinkMessage.Refusal}.
 */
@FunctionalInterface
public interface AgentAdmission {
    LinkMessage admit(LinkMessage.Hello hello, PublicKey agentKey, SocketAddress remote);
}

package dev.jumpgate.transport.link;

import io.netty.channel.Channel;

/** A client's link to the relay, logged in as a user: open streams to devices and requests to the relay. */
public final class ClientLink extends Link {

    ClientLink(Channel channel) {
        super(channel);
    }
}

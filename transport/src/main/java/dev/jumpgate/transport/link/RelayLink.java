package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.DeviceName;
import io.netty.channel.Channel;
import java.net.SocketAddress;
import java.time.Instant;

/** The relay's handle on one agent's link: open streams to the device, learn when the link goes. */
public final class RelayLink extends Link {

    private final DeviceName device;
    private final Instant since = Instant.now();

    RelayLink(DeviceName device, Channel channel) {
        super(channel);
        this.device = device;
    }

    public DeviceName device() {
        return device;
    }

    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    public Instant since() {
        return since;
    }

    @Override
    public String toString() {
        return "link[" + device + " from " + channel.remoteAddress() + "]";
    }
}

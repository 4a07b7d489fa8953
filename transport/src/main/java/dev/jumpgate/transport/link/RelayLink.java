package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.DeviceName;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.concurrent.Future;
import java.net.SocketAddress;
import java.time.Instant;

/** The relay's handle on one agent's link: open streams to the device, learn when the link goes. */
public final class RelayLink {

    private final DeviceName device;
    private final Channel channel;
    private final Instant since = Instant.now();

    RelayLink(DeviceName device, Channel channel) {
        this.device = device;
        this.channel = channel;
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

    public boolean isActive() {
        return channel.isActive();
    }

    public ChannelFuture closeFuture() {
        return channel.closeFuture();
    }

    public void close() {
        channel.close();
    }

    /**
     * Opens a new stream on this link; {@code handler} is installed on it before it opens, so it sees every
     * frame, the response headers included. The caller writes the request ({@link StreamHeaders#connect}).
     */
    public Future<Http2StreamChannel> openStream(ChannelHandler handler) {
        return new Http2StreamChannelBootstrap(channel).handler(handler).open();
    }

    @Override
    public String toString() {
        return "link[" + device + " from " + channel.remoteAddress() + "]";
    }
}

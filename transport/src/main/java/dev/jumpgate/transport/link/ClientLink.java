package dev.jumpgate.transport.link;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.concurrent.Future;

/** A client's link to the relay, logged in as a user: open streams to devices and requests to the relay. */
public final class ClientLink {

    private final Channel channel;

    ClientLink(Channel channel) {
        this.channel = channel;
    }

    public Future<Http2StreamChannel> openStream(ChannelHandler handler) {
        return new Http2StreamChannelBootstrap(channel).handler(handler).open();
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
}

package dev.jumpgate.transport.link;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.concurrent.Future;

/**
 * One end's handle on a link that opens streams: the client's ({@link ClientLink}) or the relay's on an agent's
 * ({@link RelayLink}). The agent's end only answers the streams the relay opens, so it needs no handle.
 */
public abstract sealed class Link permits ClientLink, RelayLink {

    final Channel channel;

    Link(Channel channel) {
        this.channel = channel;
    }

    /**
     * Opens a new stream on this link; {@code handler} is installed on it before it opens, so it sees every
     * frame, the response headers included. The caller writes the request ({@link StreamHeaders#connect}).
     */
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

package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.LogText;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a linked pipeline. An error no handler before it took (a reset from the peer, a TLS
 * failure after the handshake) ends the link in one log line; without it Netty logs a stack trace per link, so
 * a relay's restart printed one into the log of every agent whose connection was reset.
 */
@ChannelHandler.Sharable
final class LinkErrors extends ChannelInboundHandlerAdapter {

    static final String NAME = "errors";
    static final LinkErrors INSTANCE = new LinkErrors();

    private static final Logger log = LoggerFactory.getLogger(LinkErrors.class);

    private LinkErrors() {}

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("link to {} failed: {}", ctx.channel().remoteAddress(), LogText.of(cause));
        } else {
            log.warn("link to {} failed: {}", ctx.channel().remoteAddress(), LogText.of(cause));
        }
        ctx.close();
    }
}

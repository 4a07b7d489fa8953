package dev.jumpgate.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

class LinkErrorsTest {

    @Test
    void aResetLinkEndsWithoutAnErrorReachingThePipelinesTail() {
        for (boolean opener : new boolean[] {true, false}) {
            EmbeddedChannel link = new EmbeddedChannel();
            link.pipeline().addLast("tls", new ChannelInboundHandlerAdapter());
            if (opener) {
                Http2Roles.installOpener(link.pipeline(), "tls", "relay");
            } else {
                Http2Roles.installAcceptor(link.pipeline(), "tls", "agent", new ChannelInboundHandlerAdapter());
            }

            link.pipeline().fireExceptionCaught(new SocketException("Connection reset"));

            link.checkException(); // rethrows what reached the tail, where Netty logs it with a stack trace
            assertThat(link.isOpen()).isFalse();
            link.finishAndReleaseAll();
        }
    }

    @Test
    void anUnexpectedErrorAlsoEndsTheLink() {
        EmbeddedChannel link = new EmbeddedChannel();
        link.pipeline().addLast("tls", new ChannelInboundHandlerAdapter());
        Http2Roles.installAcceptor(link.pipeline(), "tls", "agent", new ChannelInboundHandlerAdapter());

        link.pipeline().fireExceptionCaught(new IllegalStateException("a bug in a handler"));

        link.checkException();
        assertThat(link.isOpen()).isFalse();
        link.finishAndReleaseAll();
    }
}

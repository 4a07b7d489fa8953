package dev.jumpgate.client.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnframerTest {

    /** Counts the reads asked of the channel and collects what passes the unframer. */
    private static final class Watch extends ChannelOutboundHandlerAdapter {
        int reads;

        @Override
        public void read(ChannelHandlerContext ctx) {
            reads++;
            ctx.read();
        }
    }

    private static final class Collect extends ChannelInboundHandlerAdapter {
        final StringBuilder data = new StringBuilder();
        final List<Object> events = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            data.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }
    }

    private static ByteBuf frame(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return Unpooled.buffer().writeInt(b.length).writeBytes(b);
    }

    @Test
    void framesSplitAcrossReadsComeOutWhole() {
        Collect out = new Collect();
        EmbeddedChannel ch = new EmbeddedChannel(new MuxServer.Unframer(), out);
        ByteBuf two = Unpooled.wrappedBuffer(frame("hello "), frame("world"));
        ch.writeInbound(two.readRetainedSlice(3));
        ch.writeInbound(two.readRetainedSlice(7));
        ch.writeInbound(two);
        assertThat(out.data.toString()).isEqualTo("hello world");
        assertThat(out.events).isEmpty();
    }

    @Test
    void afterTheEndFrameItStillReadsSoTheProxysCloseIsSeen() {
        Watch watch = new Watch();
        Collect out = new Collect();
        EmbeddedChannel ch = new EmbeddedChannel(watch, new MuxServer.Unframer(), out);
        ch.config().setAutoRead(false);
        int before = watch.reads;
        // The last data and the end arrive in one read: nobody downstream asks for more after the end.
        ch.writeInbound(Unpooled.wrappedBuffer(frame("bye"), Unpooled.buffer().writeInt(MuxProtocol.END)));
        assertThat(out.data.toString()).isEqualTo("bye");
        assertThat(out.events).containsExactly(ChannelInputShutdownEvent.INSTANCE);
        assertThat(watch.reads).as("reads asked after the end frame").isGreaterThan(before);
    }

    @Test
    void anOversizedLengthIsRefused() {
        EmbeddedChannel ch = new EmbeddedChannel(new MuxServer.Unframer(), new Collect());
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.buffer().writeInt(MuxProtocol.MAX_FRAME + 1)))
                .isInstanceOf(DecoderException.class)
                .hasMessageContaining("a frame of " + (MuxProtocol.MAX_FRAME + 1) + " bytes");
    }
}

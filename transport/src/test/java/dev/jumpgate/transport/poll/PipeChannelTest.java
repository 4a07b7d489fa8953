package dev.jumpgate.transport.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The in-memory pipe under long-poll links: ordered, bounded, and a close comes after the bytes before it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PipeChannelTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Reads only when told to, and keeps what it read. */
    static final class Reader extends ChannelInboundHandlerAdapter {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        volatile Channel channel;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            ctx.channel().config().setAutoRead(false);
        }

        @Override
        public synchronized void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            got.writeBytes(bytes);
            b.release();
        }

        synchronized int size() {
            return got.size();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed.complete(null);
        }
    }

    @Test
    void aWriterTurnsUnwritableWhenItsPeerDoesNotReadAndResumesWhenItDoes() throws Exception {
        EventLoop loop = group.next();
        Reader reader = new Reader();
        ChannelInboundHandlerAdapter writerEnd = new ChannelInboundHandlerAdapter();
        Channel writer =
                PipeChannel.pair(loop, "test", writerEnd, reader).sync().channel();
        byte[] chunk = new byte[16 * 1024];
        for (int i = 0; i < 64; i++) { // 1 MiB, four times what the peer may hold
            chunk[0] = (byte) i;
            writer.write(Unpooled.copiedBuffer(chunk));
        }
        writer.flush();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !writer.isWritable());
        assertThat(reader.size()).isZero();

        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    reader.channel.read();
                    return reader.size() == 64 * chunk.length;
                });
        byte[] got = reader.got.toByteArray();
        for (int i = 0; i < 64; i++) {
            assertThat(got[i * chunk.length]).as("chunk %d in order", i).isEqualTo((byte) i);
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(writer::isWritable);
    }

    @Test
    void closingAfterAWriteDeliversTheBytesBeforeThePeerSeesTheEnd() throws Exception {
        EventLoop loop = group.next();
        Reader reader = new Reader();
        Channel writer = PipeChannel.pair(loop, "test", new ChannelInboundHandlerAdapter(), reader)
                .sync()
                .channel();
        writer.writeAndFlush(Unpooled.copiedBuffer(new byte[] {1, 2, 3}));
        writer.close().sync();
        assertThat(reader.closed).isNotDone();
        reader.channel.read();
        reader.closed.get(5, TimeUnit.SECONDS);
        assertThat(reader.got.toByteArray()).containsExactly(1, 2, 3);
    }
}

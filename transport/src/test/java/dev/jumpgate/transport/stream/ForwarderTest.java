package dev.jumpgate.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ForwarderTest {

    private static final int KIB = 1024;

    /** A sink whose writes complete only when the test says so. */
    private static final class HeldSink implements Sink {
        final List<ByteBuf> written = new ArrayList<>();
        final List<Consumer<Throwable>> pending = new ArrayList<>();
        int ends;
        int aborts;

        @Override
        public void write(ByteBuf data, Consumer<Throwable> done) {
            written.add(data);
            pending.add(done);
        }

        @Override
        public void end() {
            ends++;
        }

        @Override
        public void abort() {
            aborts++;
        }

        void completeAll() {
            List<Consumer<Throwable>> now = new ArrayList<>(pending);
            pending.clear();
            now.forEach(done -> done.accept(null));
        }

        long bytes() {
            return written.stream().mapToLong(ByteBuf::readableBytes).sum();
        }
    }

    private static final class CountReads extends ChannelOutboundHandlerAdapter {
        int reads;

        @Override
        public void read(ChannelHandlerContext ctx) {
            reads++;
        }
    }

    private EmbeddedChannel source;
    private CountReads reads;
    private HeldSink sink;
    private Forwarder forwarder;

    @BeforeEach
    void setUp() {
        source = new EmbeddedChannel();
        source.config().setAutoRead(false);
        reads = new CountReads();
        sink = new HeldSink();
        forwarder = new Forwarder(source, sink);
        source.pipeline().addLast(reads, forwarder);
    }

    /** One read cycle from the source: its messages, then read-complete. */
    private void readCycle(Object... msgs) {
        for (Object m : msgs) {
            source.pipeline().fireChannelRead(m);
        }
        source.pipeline().fireChannelReadComplete();
    }

    private static ByteBuf bytes(int n) {
        return Unpooled.wrappedBuffer(new byte[n]);
    }

    @Test
    void whatOneReadBringsIsHandedOverAsOneWrite() {
        forwarder.resume();
        readCycle(
                new DefaultHttp2DataFrame(bytes(16 * KIB)),
                new DefaultHttp2DataFrame(bytes(16 * KIB)),
                new DefaultHttp2DataFrame(bytes(8 * KIB)));
        assertThat(sink.written).hasSize(1);
        assertThat(sink.bytes()).isEqualTo(40 * KIB);
    }

    @Test
    void itReadsOnWhileWritesAreInFlightUpToTheBudgetThenWaits() {
        forwarder.resume();
        assertThat(reads.reads).isEqualTo(1);
        int chunk = 64 * KIB;
        int cycles = 0;
        while (sink.bytes() < Forwarder.IN_FLIGHT) {
            readCycle(bytes(chunk));
            cycles++;
            assertThat(cycles).isLessThan(100);
        }
        // It asked for another read after each cycle under the budget, and none once the budget was reached.
        assertThat(reads.reads).isEqualTo(cycles);
        assertThat(sink.pending).isNotEmpty();

        sink.completeAll();
        assertThat(reads.reads).as("reads again once the sink caught up").isEqualTo(cycles + 1);
    }

    @Test
    void theEndFollowsTheLastBytesAndNothingIsReadAfterIt() {
        forwarder.resume();
        readCycle(new DefaultHttp2DataFrame(bytes(KIB)), new DefaultHttp2DataFrame(bytes(KIB), true));
        assertThat(sink.bytes()).isEqualTo(2 * KIB);
        assertThat(sink.ends).isEqualTo(1);
        int readsAtEnd = reads.reads;
        sink.completeAll();
        assertThat(reads.reads).isEqualTo(readsAtEnd);
    }

    @Test
    void aResetDropsWhatWasNotHandedOverAndAbortsTheSink() {
        forwarder.resume();
        ByteBuf unsent = bytes(KIB);
        forwarder.accept(new DefaultHttp2DataFrame(unsent));
        forwarder.accept(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
        assertThat(sink.aborts).isEqualTo(1);
        assertThat(sink.written).isEmpty();
        assertThat(unsent.refCnt()).isZero();
    }

    @Test
    void aFailedWriteClosesTheSourceAndAbortsTheSink() {
        forwarder.resume();
        readCycle(bytes(KIB));
        sink.pending.getFirst().accept(new IOException("broken pipe"));
        assertThat(source.isOpen()).isFalse();
        assertThat(sink.aborts).isEqualTo(1);
    }
}

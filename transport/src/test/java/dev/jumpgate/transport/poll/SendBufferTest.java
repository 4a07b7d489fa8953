package dev.jumpgate.transport.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The sender keeps every unacknowledged byte, can send any range of them again, and frees what is acked. */
class SendBufferTest {

    private static String copy(SendBuffer b, long from, int max) {
        ByteBuf c = b.copy(ByteBufAllocator.DEFAULT, from, max);
        try {
            return c.toString(StandardCharsets.US_ASCII);
        } finally {
            c.release();
        }
    }

    @Test
    void anyUnacknowledgedRangeCanBeSentAgainAcrossChunks() {
        SendBuffer b = new SendBuffer();
        b.append(Unpooled.copiedBuffer("hello ", StandardCharsets.US_ASCII));
        b.append(Unpooled.copiedBuffer("world", StandardCharsets.US_ASCII));
        assertThat(copy(b, 3, 5)).isEqualTo("lo wo");
        assertThat(copy(b, 3, 5)).as("the same again: retransmission").isEqualTo("lo wo");
        assertThat(copy(b, 11, 5)).isEmpty();
    }

    @Test
    void acknowledgedBytesAreFreedAndOnlyTheRestCountsAgainstTheLimit() {
        SendBuffer b = new SendBuffer();
        ByteBuf first = Unpooled.copiedBuffer("hello ", StandardCharsets.US_ASCII);
        b.append(first);
        b.append(Unpooled.copiedBuffer("world", StandardCharsets.US_ASCII));
        b.ack(8);
        assertThat(first.refCnt()).as("a fully acked chunk is released").isZero();
        assertThat(b.size()).isEqualTo(3);
        assertThat(copy(b, 0, 100))
                .as("asking below the ack gives what is kept")
                .isEqualTo("rld");
        b.ack(4); // late, older ack: ignored
        b.ack(99); // beyond what was sent: ignored
        assertThat(b.acked()).isEqualTo(8);
        b.release();
    }
}

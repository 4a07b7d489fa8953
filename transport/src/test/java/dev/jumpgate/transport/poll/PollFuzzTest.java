package dev.jumpgate.transport.poll;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Hostile long-poll ranges, as anyone who can open a session may send them: whatever their offsets, lengths,
 * overlaps and order, a receiver holds at most its window, all receivers together at most their budget, and what
 * it delivers is exactly the sender's stream, in order.
 */
class PollFuzzTest {

    private static final int WINDOW = PollLimits.UNLINKED_WINDOW;

    /** Byte {@code i} of every sender's stream: so any misplaced byte shows. */
    private static byte at(long i) {
        return (byte) (i * 31 + (i >>> 8));
    }

    private static final class Receiver {
        final Reassembly reassembly;
        long delivered;
        boolean closed;

        Receiver(ReassemblyBudget budget) {
            reassembly = new Reassembly(WINDOW, budget);
        }

        void offer(long seq, int length) {
            byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++) {
                bytes[i] = at(seq + i);
            }
            ByteBuf in = Unpooled.wrappedBuffer(bytes);
            List<ByteBuf> ready = new ArrayList<>();
            try {
                long stored = reassembly.offer(seq, in, ready);
                assertThat(stored).as("stored end").isBetween(Math.min(seq, reassembly.next()), seq + length);
            } catch (Reassembly.OverflowException e) {
                closed = true; // the session ends: release, as PollSession does
                reassembly.release();
            } finally {
                in.release();
            }
            for (ByteBuf b : ready) {
                while (b.isReadable()) {
                    assertThat(b.readByte()).as("byte %d", delivered).isEqualTo(at(delivered));
                    delivered++;
                }
                b.release();
            }
            assertThat(reassembly.next()).isEqualTo(delivered);
            assertThat(reassembly.heldBytes()).isLessThanOrEqualTo(reassembly.window());
        }
    }

    @FuzzTest(maxDuration = "10s")
    void hostileRangesNeverHoldMoreThanTheirBoundsNorCorruptTheStream(FuzzedDataProvider data) {
        ReassemblyBudget budget = new ReassemblyBudget(WINDOW + WINDOW / 2);
        Receiver[] receivers = {new Receiver(budget), new Receiver(budget)};
        for (int op = 0; op < 64 && data.remainingBytes() > 0; op++) {
            Receiver r = receivers[data.consumeBoolean() ? 1 : 0];
            if (r.closed) {
                continue;
            }
            if (data.consumeInt(0, 15) == 0) {
                r.reassembly.widen(data.consumeInt(0, 4 * WINDOW));
                continue;
            }
            long seq = Math.max(0, r.reassembly.next() + data.consumeLong(-2 * WINDOW, 3L * WINDOW));
            r.offer(seq, data.consumeInt(0, WINDOW + 1024));
            long held = 0;
            for (Receiver each : receivers) {
                held += each.closed ? 0 : each.reassembly.heldBytes();
            }
            assertThat(budget.held()).as("budget matches what is held").isEqualTo(held);
        }
        for (Receiver r : receivers) {
            r.reassembly.release();
        }
        assertThat(budget.held()).isZero();
    }
}

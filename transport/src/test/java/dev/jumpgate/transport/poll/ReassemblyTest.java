package dev.jumpgate.transport.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** Lost, duplicated, reordered or cut long-poll bodies never corrupt or reorder the byte stream. */
class ReassemblyTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private long offer(Reassembly r, long seq, byte[] data) {
        List<ByteBuf> ready = new ArrayList<>();
        ByteBuf in = Unpooled.wrappedBuffer(data);
        long stored = r.offer(seq, in, ready);
        in.release();
        for (ByteBuf b : ready) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            out.writeBytes(bytes);
            b.release();
        }
        return stored;
    }

    private static byte[] range(byte[] all, int from, int to) {
        return Arrays.copyOfRange(all, from, to);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aDuplicatedBodyIsDeliveredOnce() {
        Reassembly r = new Reassembly(1024);
        byte[] data = random(300, 1);
        offer(r, 0, range(data, 0, 200));
        assertThat(offer(r, 0, range(data, 0, 200))).isEqualTo(200);
        offer(r, 100, range(data, 100, 300)); // overlaps what was delivered
        assertThat(out.toByteArray()).isEqualTo(data);
        assertThat(r.next()).isEqualTo(300);
    }

    @Test
    void reorderedBodiesAreDeliveredInStreamOrder() {
        Reassembly r = new Reassembly(1024);
        byte[] data = random(300, 2);
        assertThat(offer(r, 200, range(data, 200, 300))).isEqualTo(300);
        assertThat(offer(r, 100, range(data, 100, 200))).isEqualTo(200);
        assertThat(out.size()).isZero();
        assertThat(r.heldBytes()).isEqualTo(200);
        offer(r, 0, range(data, 0, 100));
        assertThat(out.toByteArray()).isEqualTo(data);
        assertThat(r.heldBytes()).isZero();
    }

    @Test
    void aCutBodyKeepsItsPrefixAndTheRestArrivesLater() {
        Reassembly r = new Reassembly(1024);
        byte[] data = random(300, 3);
        assertThat(offer(r, 0, range(data, 0, 120))).isEqualTo(120); // a proxy cut the 300-byte body
        offer(r, 120, range(data, 120, 300));
        assertThat(out.toByteArray()).isEqualTo(data);
    }

    @Test
    void bytesBeyondTheWindowAreRefusedNotBuffered() {
        Reassembly r = new Reassembly(100);
        byte[] data = random(400, 4);
        assertThat(offer(r, 50, range(data, 50, 400)))
                .as("stored up to next + window")
                .isEqualTo(100);
        assertThat(r.heldBytes()).isEqualTo(50);
        assertThat(offer(r, 300, range(data, 300, 400))).as("nothing stored").isEqualTo(300);
        assertThat(r.heldBytes()).isEqualTo(50);
        offer(r, 0, range(data, 0, 50));
        offer(r, 100, range(data, 100, 400));
        assertThat(out.toByteArray()).isEqualTo(range(data, 0, 200));
        assertThat(offer(r, 200, range(data, 200, 400))).isEqualTo(300);
        offer(r, 300, range(data, 300, 400));
        assertThat(out.toByteArray()).isEqualTo(data);
    }

    /**
     * A sender with several requests in flight through a path that loses, repeats, reorders and cuts them, and
     * resends whatever the receiver has not stored, as {@code PollClient} does: the receiver's stream is the
     * sender's, byte for byte, and it never holds more than its window.
     */
    @Test
    void aLossyReorderingPathNeverCorruptsTheStream() {
        Random rnd = new Random(42);
        for (int round = 0; round < 40; round++) {
            out.reset();
            byte[] data = random(200_000 + rnd.nextInt(100_000), round);
            int window = 20_000;
            Reassembly receiver = new Reassembly(window);
            SendBuffer sender = new SendBuffer();
            sender.append(Unpooled.wrappedBuffer(data));
            record Segment(long seq, byte[] bytes) {}
            List<Segment> inFlight = new ArrayList<>();
            long sent = 0;
            int steps = 0;
            while (receiver.next() < data.length) {
                assertThat(++steps).as("round %d makes progress", round).isLessThan(200_000);
                if (inFlight.size() < 4) {
                    // Resend from the last acknowledgement when everything is stuck, else send what is new.
                    long from = sent < data.length && rnd.nextInt(4) > 0 ? sent : sender.acked();
                    ByteBuf copy = sender.copy(ByteBufAllocator.DEFAULT, from, 1 + rnd.nextInt(8_000));
                    byte[] bytes = new byte[copy.readableBytes()];
                    copy.readBytes(bytes);
                    copy.release();
                    if (bytes.length > 0) {
                        inFlight.add(new Segment(from, bytes));
                        sent = Math.max(sent, from + bytes.length);
                    } else {
                        sent = sender.acked();
                    }
                    continue;
                }
                Segment s = inFlight.remove(rnd.nextInt(inFlight.size())); // any order
                switch (rnd.nextInt(10)) {
                    case 0 -> {} // lost
                    case 1 -> inFlight.add(s); // a proxy retried it: it comes again later
                    case 2 -> offer(receiver, s.seq, range(s.bytes, 0, rnd.nextInt(s.bytes.length + 1))); // cut
                    default -> offer(receiver, s.seq, s.bytes);
                }
                assertThat(receiver.heldBytes()).isLessThanOrEqualTo(window);
                sender.ack(receiver.next());
                if (sent < sender.acked()) {
                    sent = sender.acked();
                }
            }
            assertThat(out.toByteArray()).as("round %d", round).isEqualTo(data);
            receiver.release();
            sender.release();
        }
    }

    /** A sender never overlaps its own ranges at different offsets; one that does is trying to hold more. */
    @Test
    void rangesOverlappingToHoldMoreThanTheWindowAreAnOverflow() {
        Reassembly r = new Reassembly(1000);
        offer(r, 10, new byte[400]);
        offer(r, 11, new byte[400]);
        Assertions.assertThatThrownBy(() -> offer(r, 12, new byte[400]))
                .isInstanceOf(Reassembly.OverflowException.class)
                .hasMessageContaining("overlap");
        assertThat(r.heldBytes()).isEqualTo(800);
    }

    @Test
    void earlyBytesBeyondTheSharedBudgetWaitAtTheSenderAndComeBackWhenFreed() {
        ReassemblyBudget budget = new ReassemblyBudget(1000);
        Reassembly a = new Reassembly(1000, budget);
        Reassembly b = new Reassembly(1000, budget);
        assertThat(offer(a, 100, new byte[800])).isEqualTo(900);
        assertThat(offer(b, 100, new byte[300]))
                .as("refused: the budget is spent")
                .isEqualTo(100);
        assertThat(b.heldBytes()).isZero();
        a.release();
        assertThat(budget.held()).isZero();
        assertThat(offer(b, 100, new byte[300])).isEqualTo(400);
        offer(b, 0, new byte[100]); // fills the gap: both delivered, nothing held
        assertThat(budget.held()).isZero();
    }

    @Test
    void aWiderWindowLetsTheSenderRunFurtherAhead() {
        Reassembly r = new Reassembly(100);
        assertThat(offer(r, 150, new byte[10])).isEqualTo(150);
        r.widen(1000);
        assertThat(offer(r, 150, new byte[10])).isEqualTo(160);
    }
}

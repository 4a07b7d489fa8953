package dev.jumpgate.transport.poll;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The receiving end of one direction of a long-poll session: puts byte ranges {@code [seq, seq+n)} that
 * arrive lost, duplicated, reordered or cut back into one stream. Bytes below {@link #next()} were delivered
 * already and are dropped (so retransmission is idempotent); bytes ahead of it wait, up to {@code window}
 * bytes past {@link #next()}, for the gap to fill. What waits is at most {@code window} bytes in all, and is
 * taken from a {@link ReassemblyBudget} shared with other receivers: a sender's ranges never overlap at different
 * offsets (a range is resent whole or from where it was cut), so only a hostile sender can go over, and
 * {@link #offer} tells it so.
 *
 * <pre>
 *   delivered          | next | held ahead (≤ window)     | refused
 *   ───────────────────┼──────┼───────────────────────────┼────────▶ offset
 * </pre>
 *
 * Not thread-safe: one event loop owns it.
 */
public final class Reassembly {

    /** Ranges overlapping at different offsets would hold more than the window. */
    public static final class OverflowException extends RuntimeException {
        OverflowException(long held, long window) {
            super("early ranges would hold more than " + window + " bytes (" + held + " held): they overlap");
        }
    }

    private final ReassemblyBudget budget;
    private long window;
    private final TreeMap<Long, ByteBuf> ahead = new TreeMap<>();
    private long heldBytes;
    private long next;

    public Reassembly(long window) {
        this(window, ReassemblyBudget.UNLIMITED);
    }

    Reassembly(long window, ReassemblyBudget budget) {
        this.window = window;
        this.budget = budget;
    }

    /** Lets the sender run further ahead (a long-poll session whose link has authenticated). */
    void widen(long newWindow) {
        window = Math.max(window, newWindow);
    }

    public long window() {
        return window;
    }

    /** The offset of the first byte not yet delivered: everything below it arrived, in order. */
    public long next() {
        return next;
    }

    public long heldBytes() {
        return heldBytes;
    }

    /**
     * Takes bytes {@code [seq, seq + data.readableBytes())} (not taking ownership of {@code data}). Whatever
     * becomes contiguous is appended to {@code deliver} as retained buffers, in order.
     *
     * @return the end of what is now delivered or held from this range: the sender may forget bytes below it;
     *     bytes from it on were refused for lack of room and must be sent again later
     * @throws OverflowException if holding the range would take more than the window: the sender is hostile
     */
    public long offer(long seq, ByteBuf data, List<ByteBuf> deliver) {
        if (seq < 0) {
            throw new IllegalArgumentException("negative offset " + seq);
        }
        long end = seq + data.readableBytes();
        if (end <= next) {
            return end;
        }
        long limit = next + window;
        long from = Math.max(seq, next);
        long to = Math.min(end, limit);
        if (from >= to) {
            return seq <= next ? next : seq;
        }
        ByteBuf part = data.retainedSlice(data.readerIndex() + (int) (from - seq), (int) (to - from));
        if (from == next) {
            deliver.add(part);
            next = to;
            drain(deliver);
        } else {
            ByteBuf old = ahead.get(from);
            if (old == null || old.readableBytes() < part.readableBytes()) {
                long grows = part.readableBytes() - (old == null ? 0 : old.readableBytes());
                if (heldBytes + grows > window) {
                    part.release();
                    throw new OverflowException(heldBytes + grows, window);
                }
                if (!budget.take(grows)) {
                    // Every session together holds the most the relay allows: this range waits at its sender.
                    part.release();
                    return from;
                }
                if (old != null) {
                    old.release();
                }
                ahead.put(from, part);
                heldBytes += grows;
            } else {
                part.release();
            }
        }
        return to;
    }

    /** Delivers held ranges that the stream has reached, trimming what overlaps delivered bytes. */
    private void drain(List<ByteBuf> deliver) {
        for (Map.Entry<Long, ByteBuf> e; (e = ahead.firstEntry()) != null && e.getKey() <= next; ) {
            ahead.pollFirstEntry();
            ByteBuf held = e.getValue();
            heldBytes -= held.readableBytes();
            budget.give(held.readableBytes());
            long end = e.getKey() + held.readableBytes();
            if (end <= next) {
                held.release();
                continue;
            }
            held.skipBytes((int) (next - e.getKey()));
            deliver.add(held);
            next = end;
        }
    }

    /** Frees what is held; the session is over. */
    public void release() {
        ahead.values().forEach(ByteBuf::release);
        ahead.clear();
        budget.give(heldBytes);
        heldBytes = 0;
    }
}

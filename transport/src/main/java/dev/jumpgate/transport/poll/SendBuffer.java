package dev.jumpgate.transport.poll;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayDeque;

/**
 * The sending end of one direction of a long-poll session: every byte from the first unacknowledged one on,
 * so any range can be sent again until the receiver says it has it. Offsets count from the start of the
 * session. Not thread-safe: one event loop owns it.
 *
 * <pre>
 *   acknowledged (freed) | acked ─ kept for retransmission ─ end | (next bytes appended here)
 * </pre>
 */
public final class SendBuffer {

    private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
    /** Offset of the first byte of the first chunk. */
    private long acked;

    private long end;

    public long acked() {
        return acked;
    }

    public long end() {
        return end;
    }

    /** Bytes kept: what the caller bounds, to push back on whoever fills this buffer. */
    public long size() {
        return end - acked;
    }

    /** Appends {@code data}, taking ownership. */
    public void append(ByteBuf data) {
        if (!data.isReadable()) {
            data.release();
            return;
        }
        chunks.add(data);
        end += data.readableBytes();
    }

    /** The receiver has every byte below {@code offset}: forget them. Older or impossible acks are ignored. */
    public void ack(long offset) {
        if (offset <= acked || offset > end) {
            return;
        }
        while (acked < offset) {
            ByteBuf first = chunks.peekFirst();
            int drop = (int) Math.min(first.readableBytes(), offset - acked);
            first.skipBytes(drop);
            acked += drop;
            if (!first.isReadable()) {
                chunks.pollFirst().release();
            }
        }
    }

    /**
     * A copy of up to {@code max} bytes from {@code from} (clamped to what is kept), or an empty buffer when
     * there is nothing from there on.
     */
    public ByteBuf copy(ByteBufAllocator alloc, long from, int max) {
        long start = Math.max(from, acked);
        int n = (int) Math.max(0, Math.min(max, end - start));
        ByteBuf out = alloc.buffer(n);
        long at = acked;
        for (ByteBuf c : chunks) {
            if (out.writableBytes() == 0 || n == 0) {
                break;
            }
            long cEnd = at + c.readableBytes();
            if (cEnd > start) {
                int skip = (int) Math.max(0, start - at);
                int take = Math.min(c.readableBytes() - skip, n - out.readableBytes());
                out.writeBytes(c, c.readerIndex() + skip, take);
                start += take;
            }
            at = cEnd;
        }
        return out;
    }

    public void release() {
        chunks.forEach(ByteBuf::release);
        chunks.clear();
        acked = end;
    }
}

package dev.jumpgate.transport.poll;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes that arrived early, held by every {@link Reassembly} of the relay together. Each session's own bound
 * keeps one sender from taking much; this one keeps all of them together under a figure the relay's memory was
 * sized for, however many sessions there are. Thread-safe: sessions on every event loop share it.
 */
public final class ReassemblyBudget {

    /** For a single receiver (the agent), whose own window is the bound. */
    static final ReassemblyBudget UNLIMITED = new ReassemblyBudget(Long.MAX_VALUE);

    private final long limit;
    private final AtomicLong held = new AtomicLong();

    public ReassemblyBudget(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("reassembly budget must be positive, got " + limit);
        }
        this.limit = limit;
    }

    /** Takes {@code n} bytes if they fit under the limit. */
    boolean take(long n) {
        for (long now; (now = held.get()) + n <= limit; ) {
            if (held.compareAndSet(now, now + n)) {
                return true;
            }
        }
        return false;
    }

    void give(long n) {
        held.addAndGet(-n);
    }

    public long held() {
        return held.get();
    }
}

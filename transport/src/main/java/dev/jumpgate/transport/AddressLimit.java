package dev.jumpgate.transport;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts things a peer holds before it has proven who it is (connections, long-poll sessions), at most
 * {@code perAddress} from one address and {@code total} in all, as OpenSSH's PerSourceMaxStartups and MaxStartups
 * do: per address, so that one address cannot take the room everyone else comes in through. It also says when a
 * refusal is worth a log line: once a minute at most, so that a flood does not become a flood of log lines.
 * Thread-safe.
 */
public final class AddressLimit {

    /** What {@link #tryAdd} decided. */
    public enum Verdict {
        COUNTED,
        OVER_TOTAL,
        OVER_ADDRESS
    }

    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int perAddress;
    private final int total;
    private final ConcurrentHashMap<InetAddress, Integer> byAddress = new ConcurrentHashMap<>();
    private final AtomicInteger counted = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    public AddressLimit(int perAddress, int total) {
        this.perAddress = perAddress;
        this.total = total;
    }

    /** Counts one more from {@code source} if there is room; a null source counts in the total only. */
    public Verdict tryAdd(InetAddress source) {
        if (counted.incrementAndGet() > total) {
            counted.decrementAndGet();
            return refuse(Verdict.OVER_TOTAL);
        }
        if (source == null) {
            return Verdict.COUNTED;
        }
        boolean[] room = {false};
        byAddress.compute(source, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= perAddress) {
                return n;
            }
            room[0] = true;
            return now + 1;
        });
        if (!room[0]) {
            counted.decrementAndGet();
            return refuse(Verdict.OVER_ADDRESS);
        }
        return Verdict.COUNTED;
    }

    /** Takes back one that {@link #tryAdd} counted for {@code source}. */
    public void remove(InetAddress source) {
        counted.decrementAndGet();
        if (source != null) {
            byAddress.computeIfPresent(source, (k, n) -> n > 1 ? n - 1 : null);
        }
    }

    /**
     * Whether the refusal just made should be logged, with {@link #refused} to say how many so far: true at most
     * once a minute.
     */
    public boolean warningDue() {
        long now = System.nanoTime();
        long last = lastWarning.get();
        return now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now);
    }

    /** Refusals so far. */
    public long refused() {
        return refused.get();
    }

    public int perAddress() {
        return perAddress;
    }

    public int total() {
        return total;
    }

    /** Counted now from {@code source}. */
    public int count(InetAddress source) {
        return byAddress.getOrDefault(source, 0);
    }

    /** Counted now from all addresses. */
    public int count() {
        return counted.get();
    }

    private Verdict refuse(Verdict v) {
        refused.incrementAndGet();
        return v;
    }
}

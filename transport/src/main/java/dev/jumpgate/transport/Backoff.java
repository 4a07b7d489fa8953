package dev.jumpgate.transport;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Jittered exponential backoff. The n-th wait (counting from 0) has the ceiling
 * {@code c = min(cap, base * 2^n)} and is drawn uniformly from {@code [c/4, c]}, whole milliseconds. The
 * randomness spreads the reconnect storm when a relay restarts with thousands of agents (and clients); the floor
 * of a quarter of the ceiling keeps a flapping relay from being hammered with immediate retries; the cap bounds
 * how long a device stays away after the relay is back.
 *
 * <p>{@link #relink()} is the one policy the agent and the client use to dial their relay again: from 0.5 s, up
 * to 30 s, afresh after a link that lasted longer than {@link #HEALTHY}. Not thread-safe: each relinking loop
 * owns one.
 */
public final class Backoff {

    /** The first ceiling of {@link #relink()}. */
    public static final Duration RELINK_BASE = Duration.ofMillis(500);
    /** The largest ceiling of {@link #relink()}. */
    public static final Duration RELINK_CAP = Duration.ofSeconds(30);
    /** A link that lived longer than this was healthy: the next failure starts the backoff afresh. */
    public static final Duration HEALTHY = Duration.ofSeconds(10);

    /** Doublings beyond this could overflow the shift; any sane cap is reached long before. */
    private static final int MAX_DOUBLINGS = 20;

    private final long baseMillis;
    private final long capMillis;
    private final RandomGenerator random;
    private int attempt;

    /** The agent's and the client's relinking policy, with the thread's own randomness. */
    public static Backoff relink() {
        return relink(threadLocal());
    }

    /** {@link #relink()} drawing from {@code random}: for tests that pin the waits. */
    public static Backoff relink(RandomGenerator random) {
        return new Backoff(RELINK_BASE, RELINK_CAP, random);
    }

    public Backoff(Duration base, Duration cap) {
        this(base, cap, threadLocal());
    }

    public Backoff(Duration base, Duration cap, RandomGenerator random) {
        if (base.isNegative() || base.isZero() || cap.isNegative() || cap.isZero()) {
            throw new IllegalArgumentException("base and cap must be positive: " + base + ", " + cap);
        }
        this.baseMillis = base.toMillis();
        this.capMillis = cap.toMillis();
        this.random = random;
    }

    /** The wait before the next attempt; each call counts one more failure. */
    public Duration next() {
        long ceiling = Math.min(capMillis, baseMillis << Math.min(attempt, MAX_DOUBLINGS));
        attempt++;
        long floor = ceiling / 4;
        return Duration.ofMillis(floor + random.nextLong(ceiling - floor + 1));
    }

    /** Starts again from the base ceiling. */
    public void reset() {
        attempt = 0;
    }

    /** Says how long the link just lost had lasted: one that lasted longer than {@link #HEALTHY} resets. */
    public void linkLasted(Duration lived) {
        if (lived.compareTo(HEALTHY) > 0) {
            reset();
        }
    }

    /**
     * {@link ThreadLocalRandom} of whichever thread draws: a Backoff is often built on one thread and used on
     * another.
     */
    private static RandomGenerator threadLocal() {
        return () -> ThreadLocalRandom.current().nextLong();
    }
}

package dev.jumpgate.transport;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Jittered exponential backoff ("full jitter"): the n-th retry waits a uniformly random time in
 * [0, min(cap, base * 2^n)]. The randomness spreads the reconnect storm when a relay restarts with thousands
 * of agents (and clients); the cap bounds how long a device stays away after the relay is back.
 */
public final class Backoff {

    private final long baseMillis;
    private final long capMillis;
    private int attempt;

    public Backoff(Duration base, Duration cap) {
        this.baseMillis = base.toMillis();
        this.capMillis = cap.toMillis();
    }

    public Duration next() {
        long ceiling = Math.min(capMillis, baseMillis << Math.min(attempt, 20));
        attempt++;
        // Never zero: a floor of a quarter of the ceiling keeps a flapping relay from being hammered.
        long floor = ceiling / 4;
        return Duration.ofMillis(floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1));
    }

    public void reset() {
        attempt = 0;
    }
}

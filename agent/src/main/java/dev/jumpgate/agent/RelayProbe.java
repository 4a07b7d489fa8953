package dev.jumpgate.agent;

import dev.jumpgate.protocol.HostPort;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Watches a relay that is not listening, so the agent can link as soon as it listens again instead of sleeping
 * out a long backoff: a bare TCP connect (no TLS, no bytes) every 0.5 to 1 s, at random within that range. A
 * probe to a closed port costs the relay's host one SYN and one RST, and the relay process nothing; the random
 * phase spreads thousands of agents over that second when the relay returns.
 */
final class RelayProbe {

    static final Duration MIN_EVERY = Duration.ofMillis(500);
    static final Duration MAX_EVERY = Duration.ofSeconds(1);
    private static final Duration CONNECT_LIMIT = Duration.ofSeconds(1);

    private final Ticker ticker;
    private final RandomGenerator random;
    private final Predicate<HostPort> accepts;

    /** Probing with {@code accepts}, pausing as {@code random} draws, on {@code ticker}'s time: for tests. */
    RelayProbe(Ticker ticker, RandomGenerator random, Predicate<HostPort> accepts) {
        this.ticker = ticker;
        this.random = random;
        this.accepts = accepts;
    }

    /**
     * Waits until {@code relay} accepts a TCP connection, {@code atMost} has passed or {@code stopped} says so;
     * true when the relay accepted.
     */
    static boolean awaitListening(HostPort relay, Duration atMost, BooleanSupplier stopped)
            throws InterruptedException {
        return new RelayProbe(
                        Ticker.SYSTEM, ThreadLocalRandom.current(), where -> PortCheck.accepts(where, CONNECT_LIMIT))
                .await(relay, atMost, stopped);
    }

    /** {@link #awaitListening} with this probe's time, randomness and connect. */
    boolean await(HostPort relay, Duration atMost, BooleanSupplier stopped) throws InterruptedException {
        long end = ticker.nanoTime() + atMost.toNanos();
        while (!stopped.getAsBoolean()) {
            long pause = random.nextLong(MIN_EVERY.toMillis(), MAX_EVERY.toMillis() + 1);
            long left = Duration.ofNanos(end - ticker.nanoTime()).toMillis();
            if (left <= pause) {
                ticker.sleep(Duration.ofMillis(Math.max(0, left)));
                return false;
            }
            ticker.sleep(Duration.ofMillis(pause));
            if (accepts.test(relay)) {
                return true;
            }
        }
        return false;
    }
}

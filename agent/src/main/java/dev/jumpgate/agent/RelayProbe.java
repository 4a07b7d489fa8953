package dev.jumpgate.agent;

import dev.jumpgate.protocol.HostPort;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

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

    private RelayProbe() {
    }

    /**
     * Waits until {@code relay} accepts a TCP connection, {@code atMost} has passed or {@code stopped} says so;
     * true when the relay accepted.
     */
    static boolean awaitListening(HostPort relay, Duration atMost, BooleanSupplier stopped)
            throws InterruptedException {
        Instant end = Instant.now().plus(atMost);
        while (!stopped.getAsBoolean()) {
            long pause = ThreadLocalRandom.current().nextLong(MIN_EVERY.toMillis(), MAX_EVERY.toMillis() + 1);
            long left = Duration.between(Instant.now(), end).toMillis();
            if (left <= pause) {
                Thread.sleep(Math.max(0, left));
                return false;
            }
            Thread.sleep(pause);
            if (PortCheck.accepts(relay, CONNECT_LIMIT)) {
                return true;
            }
        }
        return false;
    }
}

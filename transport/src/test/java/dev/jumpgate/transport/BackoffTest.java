package dev.jumpgate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Duration BASE = Duration.ofMillis(100);
    private static final Duration CAP = Duration.ofSeconds(30);

    @Test
    void neverExceedsTheCapHoweverManyAttempts() {
        Backoff backoff = new Backoff(BASE, CAP);
        for (int i = 0; i < 10_000; i++) {
            assertThat(backoff.next()).as("attempt %d", i).isLessThanOrEqualTo(CAP).isPositive();
        }
    }

    @Test
    void eachWaitLiesBetweenAQuarterOfItsCeilingAndTheCeiling() {
        Backoff backoff = new Backoff(BASE, CAP);
        for (int attempt = 0; attempt < 40; attempt++) {
            long ceiling = Math.min(CAP.toMillis(), BASE.toMillis() << Math.min(attempt, 20));
            assertThat(backoff.next().toMillis()).as("attempt %d", attempt).isBetween(ceiling / 4, ceiling);
        }
    }

    @Test
    void waitsGrowWithEachFailure() {
        // Ceilings double; after four doublings the smallest possible wait beats the largest first wait.
        for (int trial = 0; trial < 1_000; trial++) {
            Backoff backoff = new Backoff(BASE, CAP);
            Duration first = backoff.next();
            backoff.next();
            backoff.next();
            backoff.next();
            Duration fifth = backoff.next();
            assertThat(first).isLessThanOrEqualTo(BASE);
            assertThat(fifth).isGreaterThanOrEqualTo(Duration.ofMillis(400)).isGreaterThan(first);
        }
    }

    @Test
    void resetStartsAgainFromTheBase() {
        Backoff backoff = new Backoff(BASE, CAP);
        for (int i = 0; i < 30; i++) {
            backoff.next();
        }
        assertThat(backoff.next()).isGreaterThanOrEqualTo(CAP.dividedBy(4));
        backoff.reset();
        assertThat(backoff.next()).isLessThanOrEqualTo(BASE);
    }

    @Test
    void jitterSpreadsWaitsAcrossTheRange() {
        Set<Long> seen = new HashSet<>();
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 2_000; i++) {
            Backoff backoff = new Backoff(BASE, CAP);
            for (int n = 0; n < 30; n++) {
                backoff.next();
            }
            long wait = backoff.next().toMillis();   // ceiling is the cap: the range is [7.5 s, 30 s]
            seen.add(wait);
            min = Math.min(min, wait);
            max = Math.max(max, wait);
        }
        assertThat(seen.size()).as("distinct waits out of 2000").isGreaterThan(1_000);
        assertThat(min).isLessThan(CAP.toMillis() / 4 + 2_000);
        assertThat(max).isGreaterThan(CAP.toMillis() - 2_000);
    }

    @Test
    void aCapBelowTheBaseWins() {
        Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(1));
        for (int i = 0; i < 100; i++) {
            assertThat(backoff.next()).isLessThanOrEqualTo(Duration.ofSeconds(1));
        }
    }
}

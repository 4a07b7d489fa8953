package dev.jumpgate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Duration BASE = Duration.ofMillis(100);
    private static final Duration CAP = Duration.ofSeconds(30);

    /** Draws what {@code pick} makes of each bound, and notes the bounds asked for. */
    private static final class Scripted implements RandomGenerator {
        final List<Long> bounds = new ArrayList<>();
        private final LongUnaryOperator pick;

        Scripted(LongUnaryOperator pick) {
            this.pick = pick;
        }

        @Override
        public long nextLong() {
            throw new AssertionError("Backoff draws only bounded values");
        }

        @Override
        public long nextLong(long bound) {
            bounds.add(bound);
            return pick.applyAsLong(bound);
        }
    }

    private static final Scripted LOWEST = new Scripted(bound -> 0);

    private static Scripted highest() {
        return new Scripted(bound -> bound - 1);
    }

    private static List<Long> waits(Backoff backoff, int n) {
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            waits.add(backoff.next().toMillis());
        }
        return waits;
    }

    @Test
    void theHighestDrawWaitsTheWholeCeilingWhichDoublesUpToTheCap() {
        Backoff backoff = new Backoff(BASE, CAP, highest());
        assertThat(waits(backoff, 12))
                .containsExactly(
                        100L, 200L, 400L, 800L, 1_600L, 3_200L, 6_400L, 12_800L, 25_600L, 30_000L, 30_000L, 30_000L);
    }

    @Test
    void theLowestDrawWaitsAQuarterOfTheCeilingSoNoWaitIsZero() {
        Backoff backoff = new Backoff(BASE, CAP, LOWEST);
        assertThat(waits(backoff, 11))
                .containsExactly(25L, 50L, 100L, 200L, 400L, 800L, 1_600L, 3_200L, 6_400L, 7_500L, 7_500L);
    }

    @Test
    void eachDrawSpansEveryMillisecondFromAQuarterOfTheCeilingToTheCeiling() {
        Scripted random = highest();
        Backoff backoff = new Backoff(BASE, CAP, random);
        waits(backoff, 10);
        // ceiling - ceiling/4 + 1 whole milliseconds to choose from
        assertThat(random.bounds)
                .containsExactly(76L, 151L, 301L, 601L, 1_201L, 2_401L, 4_801L, 9_601L, 19_201L, 22_501L);
    }

    @Test
    void theCapHoldsHoweverManyFailures() {
        Backoff backoff = new Backoff(BASE, CAP, highest());
        for (int i = 0; i < 10_000; i++) {
            assertThat(backoff.next()).as("attempt %d", i).isLessThanOrEqualTo(CAP);
        }
    }

    @Test
    void aCapBelowTheBaseWins() {
        Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(1), highest());
        assertThat(waits(backoff, 3)).containsExactly(1_000L, 1_000L, 1_000L);
    }

    @Test
    void resetStartsAgainFromTheBase() {
        Backoff backoff = new Backoff(BASE, CAP, highest());
        waits(backoff, 30);
        backoff.reset();
        assertThat(waits(backoff, 2)).containsExactly(100L, 200L);
    }

    @Test
    void onlyALinkThatLastedLongerThanHealthyResets() {
        Backoff backoff = new Backoff(BASE, CAP, highest());
        waits(backoff, 3);
        backoff.linkLasted(Backoff.HEALTHY);
        assertThat(backoff.next())
                .as("a link of exactly HEALTHY was not healthy")
                .isEqualTo(Duration.ofMillis(800));
        backoff.linkLasted(Backoff.HEALTHY.plusMillis(1));
        assertThat(backoff.next()).isEqualTo(BASE);
    }

    @Test
    void relinkingWaitsFromHalfASecondUpToThirtySeconds() {
        assertThat(waits(Backoff.relink(highest()), 8))
                .containsExactly(500L, 1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L);
        assertThat(Backoff.relink(LOWEST).next()).isEqualTo(Duration.ofMillis(125));
    }

    @Test
    void theDefaultRandomnessStaysWithinTheBoundsAndSpreads() {
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 2_000; i++) {
            Backoff backoff = Backoff.relink();
            waits(backoff, 10);
            long wait = backoff.next().toMillis(); // the ceiling is the cap: the range is [7.5 s, 30 s]
            assertThat(wait).isBetween(7_500L, 30_000L);
            min = Math.min(min, wait);
            max = Math.max(max, wait);
        }
        // 2000 uniform draws from 22 501 values: missing either end's 2 s is a chance of about e^-180
        assertThat(min).isLessThan(9_500L);
        assertThat(max).isGreaterThan(28_000L);
    }

    @Test
    void aBaseOrCapOfZeroIsRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, CAP)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(BASE, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}

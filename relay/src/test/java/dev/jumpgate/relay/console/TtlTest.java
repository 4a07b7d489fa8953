package dev.jumpgate.relay.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TtlTest {

    @Test
    void aNumberAndOneOfSMHDIsSecondsMinutesHoursOrDays() {
        assertThat(Ttl.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Ttl.parse("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(Ttl.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Ttl.parse("7d")).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void oneSecondAndThirtyDaysAreTheBoundsBothIncluded() {
        assertThat(Ttl.parse("1s")).isEqualTo(Duration.ofSeconds(1));
        assertThat(Ttl.parse("30d")).isEqualTo(Ttl.MAX).isEqualTo(Duration.ofDays(30));
        assertThat(Ttl.parse("720h")).isEqualTo(Ttl.MAX);
        assertThat(Ttl.parse("43200m")).isEqualTo(Ttl.MAX);
    }

    @Test
    void zeroIsRefused() {
        for (String zero : new String[] {"0s", "0m", "000h", "0d"}) {
            assertThatThrownBy(() -> Ttl.parse(zero))
                    .as(zero)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("between 1s and 30d");
        }
    }

    @Test
    void anythingLongerThanThirtyDaysIsRefused() {
        for (String tooLong : new String[] {"31d", "721h", "43201m", "99999h", "999999d"}) {
            assertThatThrownBy(() -> Ttl.parse(tooLong))
                    .as(tooLong)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("between 1s and 30d");
        }
    }

    @Test
    void otherFormsAreRefusedWithAnExampleOfTheRightOne() {
        for (String bad : new String[] {
            "", "1", "h", "1H", "1 h", " 1h", "1h ", "-1h", "+1h", "1.5h", "1w", "1h30m", "PT1H", "1234567s", "１h"
        }) {
            assertThatThrownBy(() -> Ttl.parse(bad))
                    .as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("use e.g. 30m, 1h or 7d");
        }
    }
}

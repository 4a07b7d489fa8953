package dev.jumpgate.relay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GrantsTest {

    @Test
    void grantPatternsMatchGlobs() {
        assertThat(Grants.matches("pi-*", "pi-kitchen")).isTrue();
        assertThat(Grants.matches("pi-*", "pi-")).isTrue();
        assertThat(Grants.matches("pi-*", "pix")).isFalse();
        assertThat(Grants.matches("pi-kitchen", "pi-kitchen")).isTrue();
        assertThat(Grants.matches("pi-kitchen", "pi-kitchen2")).isFalse();
    }

    @Test
    void patternsAreAnchoredAtBothEnds() {
        assertThat(Grants.matches("pi-*", "old-pi-kitchen")).isFalse();
        assertThat(Grants.matches("*-cam", "door-cam-2")).isFalse();
        assertThat(Grants.matches("kitchen", "pi-kitchen")).isFalse();
    }

    @Test
    void questionMarkMatchesExactlyOneCharacter() {
        assertThat(Grants.matches("pi-?", "pi-1")).isTrue();
        assertThat(Grants.matches("pi-?", "pi-")).isFalse();
        assertThat(Grants.matches("pi-?", "pi-12")).isFalse();
        assertThat(Grants.matches("??", "ab")).isTrue();
    }

    @Test
    void starAloneMatchesEveryDevice() {
        assertThat(Grants.matches("*", "pi-kitchen")).isTrue();
        assertThat(Grants.matches("*", "x")).isTrue();
    }

    @Test
    void starBacktracksToFindALaterMatch() {
        assertThat(Grants.matches("*-cam", "door-cam-cam")).isTrue();
        assertThat(Grants.matches("a*b*c", "axxbyybzc")).isTrue();
        assertThat(Grants.matches("a*b*c", "axxbyybz")).isFalse();
        assertThat(Grants.matches("*?", "")).isFalse();
    }

    @Test
    void nullNeverMatches() {
        assertThat(Grants.matches(null, "pi")).isFalse();
        assertThat(Grants.matches("*", null)).isFalse();
    }

    @Test
    void portListAllowsOnlyListedPorts() {
        assertThat(Grants.portAllowed("22", 22)).isTrue();
        assertThat(Grants.portAllowed("22", 2222)).isFalse();
        assertThat(Grants.portAllowed("22,8080", 8080)).isTrue();
        assertThat(Grants.portAllowed("22,8080", 80)).isFalse();
        assertThat(Grants.portAllowed("*", 5432)).isTrue();
    }

    @Test
    void malformedPortListAllowsNothing() {
        assertThat(Grants.portAllowed("22,ssh", 22)).isFalse();
        assertThat(Grants.portAllowed("", 22)).isFalse();
        assertThat(Grants.portAllowed(null, 22)).isFalse();
    }

    @Test
    void portsAreWrittenInCanonicalForm() {
        assertThat(Grants.normalizePorts(null)).isEqualTo("22");
        assertThat(Grants.normalizePorts("  ")).isEqualTo("22");
        assertThat(Grants.normalizePorts(" 22 , 08080 ")).isEqualTo("22,8080");
        assertThat(Grants.normalizePorts(" * ")).isEqualTo("*");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536", "ssh", "22,,80", "22;80", "*,22", "-1"})
    void invalidPortsAreRefusedWithReason(String ports) {
        assertThatThrownBy(() -> Grants.normalizePorts(ports))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("invalid ports '")
                .hasMessageEndingWith("use a port (22), a comma list (22,8080) or * for all ports");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "Pi-*",
                "pi_kitchen",
                "pi.kitchen",
                "pi kitchen",
                "[ab]",
                "0123456789012345678901234567890123456789012345678901234567890123"
            })
    void invalidPatternsAreRefusedWithReason(String pattern) {
        assertThatThrownBy(() -> Grants.checkPattern(pattern))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("invalid device pattern")
                .hasMessageContaining("wildcards '*' and '?'");
    }
}

package dev.jumpgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"pi-kitchen", "a", "7a", "a7", "x86-64", "1e100", "a--b"})
    void singleDnsLabelsAreValid(String name) {
        assertThat(DeviceName.isValid(name)).isTrue();
        assertThat(new DeviceName(name).value()).isEqualTo(name);
        assertThat(DeviceName.parse(name).toString()).isEqualTo(name);
    }

    /**
     * "localhost" is a well-formed label and so a valid device name. Harmless on the relay, which maps names to
     * links and never resolves them; but an agent's {@code Targets} treats a request for its own name as "this
     * device", so a device named localhost makes "localhost:PORT" mean the device itself.
     */
    @Test
    void localhostIsAValidDeviceName() {
        assertThat(DeviceName.isValid("localhost")).isTrue();
        assertThat(DeviceName.parse("LocalHost").value()).isEqualTo("localhost");
    }

    @Test
    void sixtyThreeCharactersAreTheLimit() {
        String max = "a".repeat(63);
        assertThat(DeviceName.isValid(max)).isTrue();
        assertThat(DeviceName.isValid(max + "a")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"192.168.1.10", "127.0.0.1", "10", "2130706433", "0", "::1", "[::1]", "fe80::1", "2001:db8::1"})
    void ipAddressesAreNotDeviceNames(String text) {
        assertThat(DeviceName.isValid(text)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "-pi",
                "pi-",
                "pi_kitchen",
                "pi.kitchen",
                "pi kitchen",
                "pi:22",
                "pi/kitchen",
                "root@pi",
                "café",
                "pi\n",
                " pi",
                "pi\u0000"
            })
    void anythingButOneLabelIsInvalid(String text) {
        assertThat(DeviceName.isValid(text)).isFalse();
        assertThatThrownBy(() -> DeviceName.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullIsInvalidWithoutThrowingFromIsValid() {
        assertThat(DeviceName.isValid(null)).isFalse();
        assertThatThrownBy(() -> DeviceName.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeviceName(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parseFoldsUpperCaseButTheConstructorDoesNot() {
        assertThat(DeviceName.parse("Pi-KITCHEN")).isEqualTo(new DeviceName("pi-kitchen"));
        assertThat(DeviceName.isValid("PI")).isTrue();
        assertThatThrownBy(() -> new DeviceName("Pi")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorMessageExplainsTheRuleAndShowsNoControlCharacters() {
        assertThatThrownBy(() -> DeviceName.parse("bad\u001b[31mname"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lowercase letters, digits and inner hyphens")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b"));
    }

    @Test
    void errorMessageCutsLongInput() {
        String huge = "x".repeat(10_000) + "!";
        assertThatThrownBy(() -> DeviceName.parse(huge))
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(300));
    }

    /** glibc's resolver reads 0x7f000001 as 127.0.0.1. */
    @ParameterizedTest
    @ValueSource(strings = {"0x7f000001", "0x0", "0xa"})
    void hexNumbersAreNotDeviceNames(String text) {
        assertThat(DeviceName.isValid(text)).isFalse();
    }

    @Test
    void nonAsciiLettersDoNotFoldIntoNames() {
        assertThat(DeviceName.isValid("\u212Aitchen")).isFalse();
    }
}

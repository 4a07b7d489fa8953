package dev.jumpgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

    @Test
    void parsesHostNameAndPort() {
        assertThat(HostPort.parse("relay.example.com:443")).isEqualTo(new HostPort("relay.example.com", 443));
        assertThat(HostPort.parse("10.0.0.1:2222")).isEqualTo(new HostPort("10.0.0.1", 2222));
    }

    @Test
    void ipv6HostsAreWrittenAndReadInBrackets() {
        HostPort v6 = HostPort.parse("[::1]:2222");
        assertThat(v6.host()).isEqualTo("::1");
        assertThat(v6.port()).isEqualTo(2222);
        assertThat(v6.toString()).isEqualTo("[::1]:2222");
        assertThat(HostPort.parse(new HostPort("2001:db8::7", 22).toString()))
                .isEqualTo(new HostPort("2001:db8::7", 22));
    }

    @Test
    void ipv6WithoutBracketsIsRefusedWithAHint() {
        assertThatThrownBy(() -> HostPort.parse("::1:22"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("brackets");
        assertThatThrownBy(() -> HostPort.parse("2001:db8::7:22"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("brackets");
    }

    @Test
    void toStringRoundTripsThroughParse() {
        for (String s : new String[] {"a:1", "relay.example.com:65535", "[fe80::1]:0", "127.0.0.1:22"}) {
            assertThat(HostPort.parse(s).toString()).isEqualTo(s);
        }
    }

    @Test
    void portRangeEndsAreAccepted() {
        assertThat(HostPort.parse("h:0").port()).isZero();
        assertThat(HostPort.parse("h:65535").port()).isEqualTo(65535);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "host:65536",
                "host:-1",
                "host:99999999999",
                "host:abc",
                "host:",
                "host:2 2",
                "host:0x16",
                "host:+22",
                "host:\u0662\u0662"
            })
    void badPortsAreRefused(String text) {
        assertThatThrownBy(() -> HostPort.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"host", ":22", "", "[]:22", "[::1]"})
    void textWithoutHostAndPortIsRefused(String text) {
        assertThatThrownBy(() -> HostPort.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullAndOutOfRangeValuesAreRefused() {
        assertThatThrownBy(() -> HostPort.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HostPort("h", 65536)).hasMessageContaining("65536");
        assertThatThrownBy(() -> new HostPort("h", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HostPort("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HostPort(null, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorMessagesDoNotEchoControlCharacters() {
        assertThatThrownBy(() -> HostPort.parse("evil\u001b[2Jhost"))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b"));
    }

    @Test
    void withPortKeepsTheHost() {
        assertThat(HostPort.parse("[::1]:1").withPort(2)).isEqualTo(new HostPort("::1", 2));
    }
}

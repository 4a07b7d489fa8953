package dev.jumpgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FingerprintTest {

    /** SHA-256("abc") from FIPS 180-2, written the OpenSSH way. */
    private static final String ABC = "SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0";

    @Test
    void ofHashesWithSha256AndFormatsLikeOpenSsh() {
        Fingerprint f = Fingerprint.of("abc".getBytes(StandardCharsets.US_ASCII));
        assertThat(f.toString()).isEqualTo(ABC).doesNotContain("=");
    }

    @Test
    void parseAndToStringRoundTrip() {
        Fingerprint parsed = Fingerprint.parse(ABC);
        assertThat(parsed).isEqualTo(Fingerprint.of("abc".getBytes(StandardCharsets.US_ASCII)));
        assertThat(parsed.toString()).isEqualTo(ABC);
        assertThat(Fingerprint.parse(parsed.toString())).isEqualTo(parsed).hasSameHashCodeAs(parsed);
    }

    @Test
    void parseAcceptsPaddedBase64() {
        assertThat(Fingerprint.parse(ABC + "=").toString()).isEqualTo(ABC);
    }

    @Test
    void parseRejectsTextThatIsNotASha256Fingerprint() {
        assertThatThrownBy(() -> Fingerprint.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fingerprint.parse("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SHA256:");
        assertThatThrownBy(() -> Fingerprint.parse("MD5:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fingerprint.parse("sha256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fingerprint.parse("SHA256:not base64!"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SHA256:<base64>");
    }

    @Test
    void parseRejectsDigestsOfTheWrongLength() {
        assertThatThrownBy(() -> Fingerprint.parse("SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIA"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fingerprint.parse("SHA256:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Fingerprint(new byte[31])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Fingerprint(new byte[33])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Fingerprint(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void matchesOnlyTheSameDigest() {
        byte[] digest = new byte[32];
        Arrays.fill(digest, (byte) 7);
        Fingerprint pin = new Fingerprint(digest);
        assertThat(pin.matches(new Fingerprint(digest.clone()))).isTrue();
        for (int i : new int[] {0, 15, 31}) {
            byte[] other = digest.clone();
            other[i] ^= 1;
            assertThat(pin.matches(new Fingerprint(other)))
                    .as("differs at byte %d", i)
                    .isFalse();
        }
        assertThat(pin.matches(null)).isFalse();
    }

    @Test
    void equalityIsByContentNotByArrayIdentity() {
        Fingerprint a = Fingerprint.of(new byte[] {1, 2, 3});
        Fingerprint b = Fingerprint.of(new byte[] {1, 2, 3});
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(Fingerprint.of(new byte[] {1, 2, 4}));
    }

    @Test
    void digestCannotBeChangedFromOutside() {
        byte[] digest = new byte[32];
        Fingerprint f = new Fingerprint(digest);
        String before = f.toString();
        digest[0] = 1;
        f.sha256()[1] = 1;
        assertThat(f.toString()).isEqualTo(before);
    }
}

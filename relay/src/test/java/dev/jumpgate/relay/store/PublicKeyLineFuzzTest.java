package dev.jumpgate.relay.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * {@code user add NAME KEY} takes any text an admin pastes. It becomes a user's key, or a
 * {@link StoreException} that says what a key line looks like; a key never carries a line break into the
 * known_hosts or authorized_keys text the relay hands out.
 */
class PublicKeyLineFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void publicKeyLine(byte[] input) {
        PublicKeyLine key;
        try {
            key = PublicKeyLine.parse(new String(input, StandardCharsets.UTF_8));
        } catch (StoreException e) {
            assertThat(e.getMessage()).contains("OpenSSH public key");
            return;
        }
        assertThat(PublicKeyLine.TYPES).contains(key.type());
        assertThat(key.keyLine()).doesNotContain("\n", "\r");
        if (key.comment() != null) {
            assertThat(key.comment()).doesNotContain("\n", "\r");
        }
        assertThat(PublicKeyLine.parse(key.keyLine()).keyLine()).isEqualTo(key.keyLine());
    }
}

package dev.jumpgate.relay.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jumpgate.protocol.Fingerprint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What any user may type after {@code ssh relay}: the word splitter, the TTL parser and the fingerprint of
 * {@code user key rm} end in a result or an {@link IllegalArgumentException} with a message, never another exception.
 */
class ConsoleInputFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void words(byte[] input) {
        String line = new String(input, StandardCharsets.UTF_8);
        List<String> words;
        try {
            words = Words.split(line);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).contains("unterminated");
            return;
        }
        // Quoting each word back and splitting again gives the same words: nothing is lost or merged.
        String quoted = words.stream().map(ConsoleInputFuzzTest::quote).collect(Collectors.joining(" "));
        assertThat(Words.split(quoted)).isEqualTo(words);
    }

    @FuzzTest(maxDuration = "10s")
    void ttl(byte[] input) {
        Duration d;
        try {
            d = Ttl.parse(new String(input, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(d).isBetween(Duration.ofSeconds(1), Ttl.MAX);
    }

    /** The message goes back to the admin's terminal: it shows what was typed, but never a raw control character. */
    @FuzzTest(maxDuration = "10s")
    void fingerprint(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Fingerprint f;
        try {
            f = Fingerprint.parse(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).contains("SHA256:").doesNotContainPattern("\\p{Cntrl}");
            return;
        }
        assertThat(f.sha256()).hasSize(32);
        assertThat(Fingerprint.parse(f.toString())).isEqualTo(f);
    }

    private static String quote(String word) {
        if (word.isEmpty()) {
            return "''";
        }
        StringBuilder b = new StringBuilder();
        for (char c : word.toCharArray()) {
            b.append(c == '\'' ? "\"'\"" : "'" + c + "'");
        }
        return b.toString();
    }
}

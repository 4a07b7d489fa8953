package dev.jumpgate.relay.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What any user may type after {@code ssh relay}: the word splitter and the TTL parser end in a result or an
 * {@link IllegalArgumentException} with a message, never another exception.
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

package dev.jumpgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void aNewlineCannotStartAForgedLogLine() {
        String forged = LogText.of("alice\n12:00:00.000 INFO  Console: admin admin ran: user rm bob\r");
        assertThat(forged)
                .doesNotContain("\n")
                .doesNotContain("\r")
                .isEqualTo("alice\\n12:00:00.000 INFO  Console: admin admin ran: user rm bob\\r");
    }

    @Test
    void terminalEscapesAndBidiOverridesAreWrittenOut() {
        assertThat(LogText.of("\u001b[2Jx\u202eevil")).isEqualTo("\\u001b[2Jx\\u202eevil");
    }

    @Test
    void noCharacterThatControlsATerminalOrBreaksALineSurvives() {
        StringBuilder every = new StringBuilder();
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            every.append(c);
        }
        for (int from = 0; from < every.length(); from += LogText.MAX_CHARS) {
            String out = LogText.of(every.substring(from, Math.min(every.length(), from + LogText.MAX_CHARS)));
            out.chars()
                    .forEach(c -> assertThat(Character.getType(c))
                            .as("U+%04X in %s", c, out)
                            .isNotIn(
                                    (int) Character.CONTROL,
                                    (int) Character.FORMAT,
                                    (int) Character.LINE_SEPARATOR,
                                    (int) Character.PARAGRAPH_SEPARATOR));
        }
    }

    @Test
    void printableTextAndLettersOfAnyScriptStayAsTheyAre() {
        assertThat(LogText.of("pi-kitchen: sshd said no (Zoë, 東京, 🙂)"))
                .isEqualTo("pi-kitchen: sshd said no (Zoë, 東京, 🙂)");
    }

    @Test
    void aBackslashIsEscapedSoThatAnEscapeInTheLogIsNeverAmbiguous() {
        assertThat(LogText.of("a\\nb")).isEqualTo("a\\\\nb");
        assertThat(LogText.of("a\nb")).isNotEqualTo(LogText.of("a\\nb"));
    }

    @Test
    void aLongFieldIsCutAndSaysHowMuchWasLeftOut() {
        String out = LogText.of("x".repeat(10_000));
        assertThat(out)
                .startsWith("x".repeat(LogText.MAX_CHARS))
                .endsWith("...(" + (10_000 - LogText.MAX_CHARS) + " more)");
    }

    @Test
    void aLoneSurrogateIsEscapedAndAPairIsNotCutInHalf() {
        assertThat(LogText.of("a\ud800b")).isEqualTo("a\\ud800b");
        String pairAtTheCut = "x".repeat(LogText.MAX_CHARS - 1) + "🙂";
        assertThat(LogText.of(pairAtTheCut)).doesNotContain("\\ud83d").endsWith("...(2 more)");
    }
}

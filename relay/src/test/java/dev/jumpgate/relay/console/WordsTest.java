package dev.jumpgate.relay.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WordsTest {

    @Test
    void anyRunOfWhitespaceSeparatesWordsAndNoneIsLeftAtEitherEnd() {
        assertThat(Words.split("  grant \t alice\npi-*  ")).containsExactly("grant", "alice", "pi-*");
    }

    @Test
    void aBlankLineHasNoWords() {
        assertThat(Words.split("")).isEmpty();
        assertThat(Words.split(" \t ")).isEmpty();
    }

    @Test
    void quotesKeepWhitespaceInsideOneWord() {
        assertThat(Words.split("user add alice 'ssh-ed25519 AAAA alice@laptop'"))
                .containsExactly("user", "add", "alice", "ssh-ed25519 AAAA alice@laptop");
        assertThat(Words.split("say \"two  spaces\"")).containsExactly("say", "two  spaces");
    }

    @Test
    void eachQuoteKindIsLiteralInsideTheOther() {
        assertThat(Words.split("\"it's\" 'say \"hi\"'")).containsExactly("it's", "say \"hi\"");
    }

    @Test
    void quotedAndUnquotedPartsWithoutSpaceBetweenAreOneWord() {
        assertThat(Words.split("a'b c'\"d\"e")).containsExactly("ab cde");
    }

    @Test
    void anEmptyQuotedStringIsAnEmptyWordNotNone() {
        assertThat(Words.split("grant alice '' --ports \"\"")).containsExactly("grant", "alice", "", "--ports", "");
    }

    @Test
    void backslashesAreOrdinaryCharacters() {
        assertThat(Words.split("a\\ b 'c\\'")).containsExactly("a\\", "b", "c\\");
    }

    @Test
    void anUnterminatedQuoteIsAnErrorNamingTheQuote() {
        assertThatThrownBy(() -> Words.split("user add alice 'ssh-ed25519 AAAA"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unterminated ' quote");
        assertThatThrownBy(() -> Words.split("say \"hi"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unterminated \" quote");
    }
}

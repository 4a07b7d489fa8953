package dev.jumpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretInputTest {

    static final SecretInput TOKEN = AgentCommand.TOKEN;
    static final String SECRET = "jgt1_c2VjcmV0";

    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private SecretInput.Sources sources(Map<String, String> env, String stdin) {
        return new SecretInput.Sources(
                env,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                Optional::empty,
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String warnings() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withNothingGivenTheTokenIsReadFromStandardInput() {
        assertThat(TOKEN.read(null, null, true, sources(Map.of(), "\n" + SECRET + "\n")))
                .contains(SECRET);
        assertThat(warnings()).isEmpty();
    }

    @Test
    void aDashTokenFileIsStandardInput() {
        assertThat(TOKEN.read(null, Path.of("-"), true, sources(Map.of(), SECRET)))
                .contains(SECRET);
    }

    @Test
    void aTokenFileIsReadToItsFirstLine(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("token"), SECRET + "\n# for pi-kitchen\n");
        assertThat(TOKEN.read(null, f, true, sources(Map.of(), ""))).contains(SECRET);
    }

    @Test
    void theEnvironmentServesAutomation() {
        assertThat(TOKEN.read(null, null, true, sources(Map.of("JUMPGATE_TOKEN", SECRET), "")))
                .contains(SECRET);
    }

    /** The process list shows arguments to every local user while enrollment runs. */
    @Test
    void aTokenOnTheCommandLineStillWorksButWarnsWithoutEchoingIt() {
        assertThat(TOKEN.read(SECRET, null, true, sources(Map.of(), ""))).contains(SECRET);
        assertThat(warnings())
                .contains("warning")
                .contains("every user of this machine")
                .contains("--token-file")
                .contains("JUMPGATE_TOKEN")
                .doesNotContain(SECRET);
    }

    @Test
    void twoSourcesAreRefusedRatherThanOneChosenSilently(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("token"), SECRET);
        assertThatThrownBy(() -> TOKEN.read(null, f, true, sources(Map.of("JUMPGATE_TOKEN", "other"), "")))
                .hasMessage("give the enrollment token one way, not through --token-file and JUMPGATE_TOKEN");
    }

    @Test
    void anEmptyTokenSaysWhereToPutIt() {
        assertThatThrownBy(() -> TOKEN.read(null, null, true, sources(Map.of(), "\n\n")))
                .hasMessageContaining("the enrollment token is empty; pass it on standard input, with --token-file");
    }

    @Test
    void anUnreadableFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> TOKEN.read(null, missing, true, sources(Map.of(), "")))
                .hasMessageStartingWith("--token-file " + missing + " cannot be read");
    }

    @Test
    void anOptionalSecretGivenNowhereIsEmpty() {
        assertThat(TOKEN.read(null, null, false, sources(Map.of(), SECRET))).isEmpty();
    }
}

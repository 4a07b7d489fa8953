package dev.jumpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.transport.proxy.HttpProxy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy password comes from a file or the environment; one typed into --proxy works but is warned about. */
class TransportOptionsTest {

    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Optional<String> credentials(String proxy, Path passwordFile, Map<String, String> env) {
        TransportOptions o = new TransportOptions();
        o.transport = "auto";
        o.proxy = proxy;
        o.proxyPasswordFile = passwordFile;
        var in = new SecretInput.Sources(
                env,
                new ByteArrayInputStream(new byte[0]),
                Optional::empty,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return o.plan(in)
                .routes(new HostPort("relay", 443))
                .get(0)
                .proxy()
                .flatMap(HttpProxy::basicAuthorization)
                .map(b -> new String(Base64.getDecoder().decode(b.substring(6)), StandardCharsets.UTF_8));
    }

    private String warnings() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void thePasswordFileJoinsTheProxyUser(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("pw"), "s3cret\n");
        assertThat(credentials("http://alice@proxy:3128", f, Map.of())).contains("alice:s3cret");
        assertThat(warnings()).isEmpty();
    }

    @Test
    void thePasswordFromTheEnvironmentJoinsTheProxyUser() {
        assertThat(credentials("alice@proxy:3128", null, Map.of("JUMPGATE_PROXY_PASSWORD", "s3cret")))
                .contains("alice:s3cret");
    }

    @Test
    void aPasswordInTheUrlStillWorksButWarnsWithoutEchoingIt() {
        assertThat(credentials("http://alice:s3cret@proxy:3128", null, Map.of()))
                .contains("alice:s3cret");
        assertThat(warnings())
                .contains("warning: the proxy password in --proxy can be read by every user")
                .contains("--proxy http://alice@proxy:3128 with --proxy-password-file FILE or JUMPGATE_PROXY_PASSWORD")
                .doesNotContain("s3cret");
    }

    @Test
    void twoPasswordsAreRefusedWithoutEchoingEither() {
        assertThatThrownBy(() ->
                        credentials("http://alice:one1@proxy:3128", null, Map.of("JUMPGATE_PROXY_PASSWORD", "two2")))
                .hasMessageContaining("give the proxy password one way")
                .hasMessageContaining("JUMPGATE_PROXY_PASSWORD")
                .hasMessageNotContaining("one1")
                .hasMessageNotContaining("two2");
    }

    @Test
    void aPasswordFileWithoutAUserSaysHowToNameOne(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("pw"), "s3cret\n");
        assertThatThrownBy(() -> credentials("http://proxy:3128", f, Map.of()))
                .hasMessageContaining("needs a user")
                .hasMessageContaining("http://USER@proxy:3128")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void noProxyNoPasswordNoWarning() {
        assertThat(credentials(null, null, Map.of())).isEmpty();
        assertThat(credentials("http://proxy:3128", null, Map.of())).isEmpty();
        assertThat(warnings()).isEmpty();
    }
}

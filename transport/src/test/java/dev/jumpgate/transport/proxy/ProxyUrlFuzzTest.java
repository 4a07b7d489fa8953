package dev.jumpgate.transport.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Whatever is typed as {@code --proxy} or found in {@code HTTPS_PROXY}: {@link HttpProxy#parse} gives a proxy
 * with a host and a port, or an {@link IllegalArgumentException} that says what to type, and nothing else; what
 * it prints never shows a password it parsed. {@code scripts/fuzz} fuzzes it for a set time.
 */
class ProxyUrlFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void proxyUrl(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        String masked = HttpProxy.mask(text);
        assertThat(masked).endsWith(text.substring(Math.max(text.lastIndexOf('@'), 0)));
        HttpProxy p;
        try {
            p = HttpProxy.parse(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(p.host()).isNotEmpty();
        assertThat(p.port()).isBetween(1, 65535);
        p.password()
                .filter(pw -> !pw.isEmpty())
                .ifPresent(pw -> assertThat(p.toString())
                        .isEqualTo("http://" + p.user().orElseThrow() + ":****@"
                                + p.address().substring(7)));
        assertThat(HttpProxy.parse(p.address()).address()).isEqualTo(p.address());
    }
}

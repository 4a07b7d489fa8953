package dev.jumpgate.transport.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.transport.Route;
import dev.jumpgate.transport.RoutePlan;
import dev.jumpgate.transport.Transport;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Proxy URLs, the environment variables users already set, and the order auto tries transports in. */
class ProxySettingsTest {

    @Test
    void credentialsAreParsedAndNeverPrinted() {
        HttpProxy p = HttpProxy.parse("http://alice:p%40ss:w@proxy.corp:8080");
        assertThat(p.user()).contains("alice");
        assertThat(p.password()).contains("p@ss:w");
        assertThat(p.basicAuthorization()).contains("Basic YWxpY2U6cEBzczp3");
        assertThat(p.toString()).isEqualTo("http://alice:****@proxy.corp:8080").doesNotContain("p@ss");
        assertThat(HttpProxy.parse("proxy.corp").port()).isEqualTo(3128);
    }

    /** Every form --proxy accepts, as typed; the password must not survive in any of them. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "http://alice:hunter2@proxy:3128         | http://alice:****@proxy:3128",
                "alice:hunter2@proxy:3128                | alice:****@proxy:3128",
                "HTTP://alice:hunter2@proxy              | HTTP://alice:****@proxy",
                "http://alice@proxy:3128                 | http://alice@proxy:3128",
                "http://alice:@proxy:3128                | http://alice:****@proxy:3128",
                "http://alice:hun%40ter%2F2@proxy:3128   | http://alice:****@proxy:3128",
                "http://alice:hun@ter/2#x@proxy:3128     | http://alice:****@proxy:3128",
                "http://alice:hunter2@[2001:db8::1]:3128 | http://alice:****@[2001:db8::1]:3128",
                "http://alice:hunter2@proxy:3128/        | http://alice:****@proxy:3128/",
                "http://alice:hunter2@proxy:3128/a/b     | http://alice:****@proxy:3128/a/b",
                "http://proxy:3128                       | http://proxy:3128",
                "'proxy ''http://alice:hunter2@proxy'' names no host'"
                        + " | 'proxy ''http://alice:****@proxy'' names no host'",
            })
    void theProxyPasswordIsMaskedInEveryFormTheOptionTakes(String typed, String masked) {
        assertThat(HttpProxy.mask(typed))
                .isEqualTo(masked)
                .doesNotContain("hunter2")
                .doesNotContain("hun");
    }

    @Test
    void aPasswordWithCharactersThatEndNoPasswordIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> HttpProxy.parse("http://alice:p@SECRET/w#rd@proxy:3128"))
                .hasMessageContaining("%40")
                .message()
                .doesNotContain("SECRET")
                .doesNotContain("w#rd");
        assertThatThrownBy(() -> HttpProxy.parse("http://alice:pa/SECRET@proxy:3128"))
                .message()
                .doesNotContain("SECRET");
        assertThatThrownBy(() -> HttpProxy.parse("alice:p@SECRET@[::1:3128"))
                .message()
                .doesNotContain("SECRET");
    }

    @Test
    void anIpv6ProxyIsDialledByItsAddress() {
        HttpProxy p = HttpProxy.parse("http://[2001:db8::1]:8080");
        assertThat(p.host()).isEqualTo("2001:db8::1");
        assertThat(p.address()).isEqualTo("http://[2001:db8::1]:8080");
    }

    @Test
    void aPasswordFromElsewhereJoinsTheUserOfTheUrl() {
        HttpProxy p = HttpProxy.parse("http://alice@[2001:db8::1]:8080/").withPassword("s3cret");
        assertThat(p.port()).isEqualTo(8080);
        assertThat(p.basicAuthorization()).contains("Basic YWxpY2U6czNjcmV0");
        assertThat(p.toString()).doesNotContain("s3cret");
        assertThatThrownBy(() -> HttpProxy.parse("proxy:3128").withPassword("s3cret"))
                .hasMessageContaining("needs a user")
                .hasMessageContaining("http://USER@proxy:3128")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void unsupportedProxySchemesAreRefusedWithoutEchoingThePassword() {
        assertThatThrownBy(() -> HttpProxy.parse("socks5://bob:hunter2@proxy:1080"))
                .hasMessageContaining("only http:// proxies")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void httpsProxyAppliesUnlessNoProxyNamesTheRelay() {
        var env = new ProxyEnvironment(Map.of("https_proxy", "http://proxy:3128", "NO_PROXY", "localhost,.internal"));
        assertThat(env.proxyFor("relay.example.com", false))
                .map(HttpProxy::host)
                .contains("proxy");
        assertThat(env.proxyFor("relay.internal", false)).isEmpty();
        assertThat(env.proxyFor("internal", false)).isEmpty();
        assertThat(env.proxyFor("localhost", false)).isEmpty();
        assertThat(new ProxyEnvironment(Map.of("http_proxy", "http://plain:80")).proxyFor("r", true))
                .map(HttpProxy::host)
                .contains("plain");
        assertThat(new ProxyEnvironment(Map.of("http_proxy", "http://plain:80")).proxyFor("r", false))
                .isEmpty();
    }

    @Test
    void autoTriesTlsThenWebSocketThenLongPollAndAnExplicitProxyWins() {
        var env = new ProxyEnvironment(Map.of("HTTPS_PROXY", "http://env-proxy:1"));
        RoutePlan plan = new RoutePlan(
                Optional.empty(),
                Optional.of(HttpProxy.parse("http://cli-proxy:2")),
                Optional.of(URI.create("http://relay:8080")),
                env);
        var routes = plan.routes(new HostPort("relay", 443));
        assertThat(routes)
                .extracting(Route::transport)
                .containsExactly(Transport.TLS, Transport.WEBSOCKET, Transport.HTTP_POLL);
        assertThat(routes)
                .allSatisfy(r -> assertThat(r.proxy()).map(HttpProxy::host).contains("cli-proxy"));
        assertThat(routes.get(2).plainHttp()).isTrue();
        assertThat(routes.get(2).destination()).isEqualTo(new HostPort("relay", 8080));

        var forced = new RoutePlan(Optional.of(Transport.HTTP_POLL), Optional.empty(), Optional.empty(), env);
        Route poll = forced.routes(new HostPort("relay", 443)).get(0);
        assertThat(poll.pollBase()).isEqualTo(URI.create("https://relay:443"));
        assertThat(poll.proxy()).map(HttpProxy::host).contains("env-proxy");
    }

    @Test
    void aProxyRefusalSaysWhatToDo() {
        HttpProxy withUser = HttpProxy.parse("http://alice:x@proxy:3128");
        assertThat(ProxyFailures.refused(withUser, 407, "a tunnel").getMessage())
                .isEqualTo("proxy http://proxy:3128 refused the credentials for user 'alice' (407)");
        assertThat(ProxyFailures.refused(HttpProxy.parse("http://proxy:3128"), 407, "a tunnel")
                        .getMessage())
                .contains("requires authentication (407): pass --proxy http://USER@proxy:3128 and the password in"
                        + " --proxy-password-file FILE or JUMPGATE_PROXY_PASSWORD");
    }
}

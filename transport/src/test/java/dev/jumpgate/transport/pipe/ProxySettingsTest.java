package dev.jumpgate.transport.pipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jumpgate.protocol.HostPort;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

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

    @Test
    void unsupportedProxySchemesAreRefusedWithoutEchoingThePassword() {
        assertThatThrownBy(() -> HttpProxy.parse("socks5://bob:hunter2@proxy:1080"))
                .hasMessageContaining("only http:// proxies").hasMessageNotContaining("hunter2");
    }

    @Test
    void httpsProxyAppliesUnlessNoProxyNamesTheRelay() {
        var env = new ProxyEnvironment(Map.of("https_proxy", "http://proxy:3128", "NO_PROXY", "localhost,.internal"));
        assertThat(env.proxyFor("relay.example.com", false)).map(HttpProxy::host).contains("proxy");
        assertThat(env.proxyFor("relay.internal", false)).isEmpty();
        assertThat(env.proxyFor("internal", false)).isEmpty();
        assertThat(env.proxyFor("localhost", false)).isEmpty();
        assertThat(new ProxyEnvironment(Map.of("http_proxy", "http://plain:80")).proxyFor("r", true))
                .map(HttpProxy::host).contains("plain");
        assertThat(new ProxyEnvironment(Map.of("http_proxy", "http://plain:80")).proxyFor("r", false)).isEmpty();
    }

    @Test
    void autoTriesTlsThenWebSocketThenLongPollAndAnExplicitProxyWins() {
        var env = new ProxyEnvironment(Map.of("HTTPS_PROXY", "http://env-proxy:1"));
        RoutePlan plan = new RoutePlan(Optional.empty(), Optional.of(HttpProxy.parse("http://cli-proxy:2")),
                Optional.of(URI.create("http://relay:8080")), env);
        var routes = plan.routes(new HostPort("relay", 443));
        assertThat(routes).extracting(Route::transport)
                .containsExactly(Transport.TLS, Transport.WEBSOCKET, Transport.HTTP_POLL);
        assertThat(routes).allSatisfy(r -> assertThat(r.proxy()).map(HttpProxy::host).contains("cli-proxy"));
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
        assertThat(ProxyFailures.refused(HttpProxy.parse("http://proxy:3128"), 407, "a tunnel").getMessage())
                .contains("requires authentication (407): pass --proxy http://USER:PASS@proxy:3128");
    }
}

package dev.jumpgate.transport.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.transport.tls.PinnedTrustManager;
import dev.jumpgate.transport.tls.TlsContexts;
import dev.jumpgate.transport.tls.TlsIdentity;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.cert.CertificateExpiredException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Who may link: the relay's pin decides for the agent, the admission (after TLS) decides for the relay. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LinkTrustTest {

    private LinkHarness relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    private static Throwable failureOf(Future<Channel> dial) {
        ExecutionException failed =
                catchThrowableOfType(ExecutionException.class, () -> dial.get(10, TimeUnit.SECONDS));
        assertThat(failed).as("the dial should fail").isNotNull();
        return failed.getCause();
    }

    private void assertAuthorizerNeverCalled() {
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(2))
                .until(() -> relay.asked.isEmpty() && relay.links.isEmpty());
    }

    @Test
    void refusalFromTheAuthorizerReachesTheDialerWithItsReason() throws Exception {
        relay = new LinkHarness();
        relay.admission = (hello, key, remote) -> new LinkMessage.Refusal(
                LinkMessage.Reason.BAD_TOKEN, "token for " + hello.device() + " was already used");
        Throwable cause = failureOf(relay.dial(
                TlsIdentity.generate("a"), relay.relayIdentity.fingerprint(), "pi-kitchen", EchoStreams.handler()));
        assertThat(cause)
                .isInstanceOf(LinkRefusedException.class)
                .hasMessageContaining("token for pi-kitchen was already used");
        assertThat(((LinkRefusedException) cause).reason()).isEqualTo(LinkMessage.Reason.BAD_TOKEN);
        assertThat(relay.asked).hasSize(1);
        assertThat(relay.links).isEmpty();
    }

    @Test
    void everyRefusalReasonArrivesAsSent() throws Exception {
        relay = new LinkHarness();
        for (LinkMessage.Reason reason : LinkMessage.Reason.values()) {
            relay.admission = (hello, key, remote) -> new LinkMessage.Refusal(reason, "no: " + reason);
            Throwable cause = failureOf(relay.dial(
                    TlsIdentity.generate("a"), relay.relayIdentity.fingerprint(), "pi", EchoStreams.handler()));
            assertThat(cause).isInstanceOf(LinkRefusedException.class).hasMessageContaining("no: " + reason);
            assertThat(((LinkRefusedException) cause).reason()).isEqualTo(reason);
        }
    }

    @Test
    void admissionFailureBecomesARetryableRefusal() throws Exception {
        relay = new LinkHarness();
        relay.admission = (hello, key, remote) -> {
            throw new IllegalStateException("database is locked");
        };
        Throwable cause = failureOf(
                relay.dial(TlsIdentity.generate("a"), relay.relayIdentity.fingerprint(), "pi", EchoStreams.handler()));
        assertThat(cause).isInstanceOf(LinkRefusedException.class).hasMessageNotContaining("database");
        assertThat(((LinkRefusedException) cause).reason()).isEqualTo(LinkMessage.Reason.UNAVAILABLE);
        assertThat(((LinkRefusedException) cause).reason().retryable).isTrue();
    }

    @Test
    void relayWhoseCertificateDoesNotMatchThePinFailsTheDialClosed() throws Exception {
        relay = new LinkHarness();
        TlsIdentity impostorPin = TlsIdentity.generate("the relay we enrolled with");
        Throwable cause = failureOf(
                relay.dial(TlsIdentity.generate("a"), impostorPin.fingerprint(), "pi", EchoStreams.handler()));
        assertThat(cause).isInstanceOf(SSLHandshakeException.class);
        assertThat(rootOf(cause)).hasMessageContaining("does not match the pinned " + impostorPin.fingerprint());
        assertAuthorizerNeverCalled();
    }

    @Test
    void pinnedButExpiredRelayCertificateFailsTheDial() throws Exception {
        relay = new LinkHarness(TestCertificates.expired("expired relay"));
        Throwable cause = failureOf(
                relay.dial(TlsIdentity.generate("a"), relay.relayIdentity.fingerprint(), "pi", EchoStreams.handler()));
        assertThat(cause).isInstanceOf(SSLHandshakeException.class);
        assertThat(rootOf(cause)).isInstanceOf(CertificateExpiredException.class);
        assertAuthorizerNeverCalled();
    }

    @Test
    void agentWithoutAClientCertificateIsRefusedWithoutAskingTheAuthorizer() throws Exception {
        relay = new LinkHarness();
        SslContext noCertificate = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3")
                .trustManager(new PinnedTrustManager(relay.relayIdentity.fingerprint()))
                .build();
        Throwable cause = failureOf(LinkDialer.dial(
                relay.group, relay.address(), noCertificate, LinkHarness.hello("pi"), EchoStreams.handler()));
        assertThat(cause).isInstanceOf(LinkRefusedException.class).hasMessageContaining("no TLS client certificate");
        assertThat(((LinkRefusedException) cause).reason()).isEqualTo(LinkMessage.Reason.NOT_ENROLLED);
        assertAuthorizerNeverCalled();
    }

    @Test
    void dialingWhereNothingListensFailsWithConnectException() throws Exception {
        relay = new LinkHarness();
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        Future<Channel> dial = LinkDialer.dial(
                relay.group,
                new HostPort("127.0.0.1", deadPort),
                TlsContexts.agent(TlsIdentity.generate("a"), relay.relayIdentity.fingerprint()),
                LinkHarness.hello("pi"),
                EchoStreams.handler());
        assertThat(failureOf(dial)).isInstanceOf(ConnectException.class);
    }

    private static Throwable rootOf(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}

package dev.jumpgate.transport.tls;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

/** The agent trusts exactly the pinned relay certificate; the relay takes any single self-signed agent cert. */
class PinnedTrustManagerTest {

    private final TlsIdentity relay = TlsIdentity.generate("relay");
    private final TlsIdentity other = TlsIdentity.generate("relay");

    @Test
    void thePinnedCertificateIsTrusted() {
        var tm = new PinnedTrustManager(relay.fingerprint());
        assertThatCode(() -> tm.checkServerTrusted(new X509Certificate[] {relay.certificate()}, "EC"))
                .doesNotThrowAnyException();
    }

    @Test
    void anyOtherCertificateIsRefusedEvenWithTheSameName() {
        var tm = new PinnedTrustManager(relay.fingerprint());
        assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {other.certificate()}, "EC"))
                .isInstanceOf(CertificateException.class)
                .hasMessageContaining("does not match the pinned");
    }

    @Test
    void onlyTheLeafCountsNotTheRestOfTheChain() {
        var tm = new PinnedTrustManager(relay.fingerprint());
        X509Certificate[] pinnedBehindAnother = {other.certificate(), relay.certificate()};
        assertThatThrownBy(() -> tm.checkServerTrusted(pinnedBehindAnother, "EC"))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    void noCertificateAtAllIsRefused() {
        var tm = new PinnedTrustManager(relay.fingerprint());
        assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[0], "EC"))
                .isInstanceOf(CertificateException.class);
        assertThatThrownBy(() -> tm.checkServerTrusted(null, "EC")).isInstanceOf(CertificateException.class);
    }

    @Test
    void aPinnedTrustManagerNeverTrustsClients() {
        var tm = new PinnedTrustManager(relay.fingerprint());
        assertThatThrownBy(() -> tm.checkClientTrusted(new X509Certificate[] {relay.certificate()}, "EC"))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    void theRelayAcceptsOneSelfSignedAgentCertificateAndNeverVerifiesServers() {
        var tm = new DeferredClientTrustManager();
        assertThatCode(() -> tm.checkClientTrusted(new X509Certificate[] {other.certificate()}, "EC"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() ->
                        tm.checkClientTrusted(new X509Certificate[] {other.certificate(), relay.certificate()}, "EC"))
                .isInstanceOf(CertificateException.class);
        assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {relay.certificate()}, "EC"))
                .isInstanceOf(CertificateException.class);
    }
}

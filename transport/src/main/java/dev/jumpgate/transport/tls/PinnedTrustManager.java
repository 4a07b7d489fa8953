package dev.jumpgate.transport.tls;

import dev.jumpgate.protocol.Fingerprint;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one server certificate: the one whose SHA-256 matches the pin from the enrollment token. This
 * replaces CA validation rather than adding to it, so a self-signed relay needs no other trust step and a
 * CA-issued relay certificate is pinned just the same. Anything else fails closed.
 */
public final class PinnedTrustManager extends X509ExtendedTrustManager {

    private final Fingerprint pin;

    public PinnedTrustManager(Fingerprint pin) {
        this.pin = pin;
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("relay presented no certificate");
        }
        Fingerprint seen = fingerprintOf(chain[0]);
        if (!pin.matches(seen)) {
            throw new CertificateException("relay certificate " + seen + " does not match the pinned " + pin
                    + ": this is not the relay you enrolled with (or its certificate was replaced)");
        }
        chain[0].checkValidity();
    }

    /** Here, not in {@link TlsIdentity}, whose BouncyCastle a client that only verifies must never load. */
    static Fingerprint fingerprintOf(X509Certificate cert) throws CertificateException {
        return Fingerprint.of(cert.getEncoded());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a pinned trust manager verifies servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a pinned trust manager verifies servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a pinned trust manager verifies servers only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}

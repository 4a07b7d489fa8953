package dev.jumpgate.transport.link;

import dev.jumpgate.transport.tls.TlsIdentity;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Identities {@link TlsIdentity#generate} would never make. */
final class TestCertificates {

    private TestCertificates() {}

    /** A self-signed EC identity whose certificate expired a day ago. */
    static TlsIdentity expired(String commonName) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = gen.generateKeyPair();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=" + commonName);
        var builder = new JcaX509v3CertificateBuilder(
                name,
                BigInteger.ONE,
                Date.from(now.minus(Duration.ofDays(30))),
                Date.from(now.minus(Duration.ofDays(1))),
                name,
                pair.getPublic());
        var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
        return new TlsIdentity(
                pair.getPrivate(), new JcaX509CertificateConverter().getCertificate(builder.build(signer)));
    }
}

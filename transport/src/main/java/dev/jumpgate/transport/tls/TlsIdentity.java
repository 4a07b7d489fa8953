package dev.jumpgate.transport.tls;

import dev.jumpgate.protocol.Fingerprint;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A TLS key pair with its certificate: the relay's (self-signed by default, pinned by fingerprint) and each
 * agent's (self-signed; the relay knows the device by its public key, not by a CA). Stored as two PEM files,
 * the key readable by its owner only.
 */
public record TlsIdentity(PrivateKey key, X509Certificate certificate) {

    private static final Duration VALIDITY = Duration.ofDays(3650);

    public static TlsIdentity generate(String commonName) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = gen.generateKeyPair();
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=" + commonName);
            var builder = new JcaX509v3CertificateBuilder(
                    name,
                    new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(VALIDITY)),
                    name,
                    pair.getPublic());
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            return new TlsIdentity(pair.getPrivate(), cert);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate a TLS key pair", e);
        }
    }

    /** Loads {@code name.key} and {@code name.crt} from {@code dir}, creating them on first use. */
    public static TlsIdentity loadOrCreate(Path dir, String name, String commonName) throws IOException {
        Path keyFile = dir.resolve(name + ".key");
        Path certFile = dir.resolve(name + ".crt");
        if (Files.exists(keyFile) && Files.exists(certFile)) {
            return load(keyFile, certFile);
        }
        TlsIdentity id = generate(commonName);
        id.save(keyFile, certFile);
        return id;
    }

    public static TlsIdentity load(Path keyFile, Path certFile) throws IOException {
        String keyText = Files.readString(keyFile);
        String certText = Files.readString(certFile);
        // What save() writes (PKCS#8 and one certificate) the JDK reads itself; BouncyCastle's PEM classes, which
        // would stay loaded in a long-running agent, are needed only for other forms (SEC1 "EC PRIVATE KEY").
        byte[] pkcs8 = pemBody(keyText, "PRIVATE KEY");
        if (pkcs8 != null && pemBody(certText, "CERTIFICATE") != null) {
            try {
                PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(certText.getBytes(StandardCharsets.US_ASCII)));
                return new TlsIdentity(key, cert);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IOException("cannot read TLS identity " + keyFile + ": " + e.getMessage(), e);
            }
        }
        return Pem.load(keyFile, keyText, certFile, certText);
    }

    /** The base64 body of the first PEM block labelled {@code label}, or null if there is none. */
    private static byte[] pemBody(String text, String label) {
        String begin = "-----BEGIN " + label + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf("-----END " + label + "-----");
        if (from < 0 || to < from) {
            return null;
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Any PEM form BouncyCastle reads; a class of its own, so that reading what save() wrote loads none of it. */
    private static final class Pem {
        static TlsIdentity load(Path keyFile, String keyText, Path certFile, String certText) throws IOException {
            try (PEMParser keys = new PEMParser(new StringReader(keyText));
                    PEMParser certs = new PEMParser(new StringReader(certText))) {
                Object k = keys.readObject();
                PrivateKeyInfo info = switch (k) {
                    case PEMKeyPair p -> p.getPrivateKeyInfo();
                    case PrivateKeyInfo i -> i;
                    case null, default -> throw new IOException(keyFile + " holds no private key");
                };
                PrivateKey key =
                        KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
                if (!(certs.readObject() instanceof X509CertificateHolder holder)) {
                    throw new IOException(certFile + " holds no certificate");
                }
                return new TlsIdentity(key, new JcaX509CertificateConverter().getCertificate(holder));
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot read TLS identity " + keyFile + ": " + e.getMessage(), e);
            }
        }
    }

    public void save(Path keyFile, Path certFile) throws IOException {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded());
        writePrivate(keyFile, "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n");
        writePrivate(certFile, pem(certificate)); // public, but nothing in a private directory needs others to read
    }

    public PublicKey publicKey() {
        return certificate.getPublicKey();
    }

    public Fingerprint fingerprint() {
        return fingerprintOf(certificate);
    }

    public static Fingerprint fingerprintOf(X509Certificate cert) {
        try {
            return PinnedTrustManager.fingerprintOf(cert);
        } catch (CertificateException e) {
            throw new IllegalStateException("certificate cannot be encoded", e);
        }
    }

    /** The fingerprint of a public key alone; the relay knows devices by this, so a re-issued cert still matches. */
    public static Fingerprint keyFingerprint(PublicKey key) {
        return Fingerprint.of(key.getEncoded());
    }

    static String pem(Object o) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        }
        return s.toString();
    }

    /** Writes a secret file readable by its owner only, created that way rather than narrowed afterwards. */
    public static void writePrivate(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        PrivateDirectory.createFile(file);
        Files.writeString(file, text, StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Override
    public String toString() {
        return "TlsIdentity[" + certificate.getSubjectX500Principal() + ", " + fingerprint() + ", key=MASKED]";
    }
}

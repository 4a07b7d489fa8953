package dev.jumpgate.client.keys;

import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.transport.link.Signer;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * A private key read from an OpenSSH key file ({@code -----BEGIN OPENSSH PRIVATE KEY-----}, unencrypted) and
 * used with the JDK's own Ed25519, RSA and ECDSA: no other crypto library on the client's start-up path.
 * Encrypted keys go through ssh-agent.
 *
 * <pre>
 *   "openssh-key-v1\0" string cipher | string kdf | string kdf options | uint32 n=1 | string public key
 *   string private section: uint32 check | uint32 check | string type | key fields | string comment | padding
 *     ssh-ed25519        string public(32) | string private(64: seed || public)
 *     ssh-rsa            mpint n | mpint e | mpint d | mpint iqmp | mpint p | mpint q
 *     ecdsa-sha2-nistpN  string curve | string Q | mpint d
 * </pre>
 */
public final class KeyFileSigner implements Signer {

    private static final byte[] MAGIC = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);

    private final Path file;
    private final String type;
    private final byte[] publicBlob;
    private final PrivateKey key;

    private KeyFileSigner(Path file, String type, byte[] publicBlob, PrivateKey key) {
        this.file = file;
        this.type = type;
        this.publicBlob = publicBlob;
        this.key = key;
    }

    public static KeyFileSigner load(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IOException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
        if (!text.contains("-----BEGIN OPENSSH PRIVATE KEY-----")) {
            throw new IOException(file + " is not an OpenSSH private key; convert it with `ssh-keygen -p -f " + file
                    + "`, or load it into ssh-agent");
        }
        String b64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return parse(file, Base64.getDecoder().decode(b64));
        } catch (EOFException e) {
            throw new IOException("key file " + file + " is damaged (truncated); copy it again, or use ssh-agent", e);
        } catch (IllegalArgumentException | ArithmeticException | GeneralSecurityException e) {
            // ArithmeticException: RSA CRT exponents of a damaged key whose prime is 1 (d mod 0)
            throw new IOException("key file " + file + " is damaged: " + e.getMessage(), e);
        }
    }

    private static KeyFileSigner parse(Path file, byte[] data) throws IOException, GeneralSecurityException {
        SshBuffer b = SshBuffer.reading(data);
        if (!Arrays.equals(b.raw(MAGIC.length), MAGIC)) {
            throw new IOException("key file " + file + " is not openssh-key-v1");
        }
        String cipher = b.text();
        b.text(); // kdf
        b.string(); // kdf options
        if (!cipher.equals("none")) {
            throw new IOException("key file " + file + " is encrypted; load it into ssh-agent with `ssh-add " + file
                    + "` and jumpgate will use it from there");
        }
        if (b.uint32() != 1) {
            throw new IOException("key file " + file + " holds more than one key");
        }
        byte[] publicBlob = b.string();
        SshBuffer p = SshBuffer.reading(b.string());
        if (p.uint32() != p.uint32()) {
            throw new IOException("key file " + file + " is damaged (check bytes differ)");
        }
        String type = p.text();
        PrivateKey key = switch (type) {
            case "ssh-ed25519" -> {
                p.string();
                byte[] seed = Arrays.copyOf(p.string(), 32);
                yield KeyFactory.getInstance("Ed25519")
                        .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
            }
            case "ssh-rsa" -> {
                BigInteger n = p.mpint();
                BigInteger e = p.mpint();
                BigInteger d = p.mpint();
                BigInteger iqmp = p.mpint();
                BigInteger pp = p.mpint();
                BigInteger q = p.mpint();
                yield KeyFactory.getInstance("RSA")
                        .generatePrivate(new RSAPrivateCrtKeySpec(
                                n,
                                e,
                                d,
                                pp,
                                q,
                                d.mod(pp.subtract(BigInteger.ONE)),
                                d.mod(q.subtract(BigInteger.ONE)),
                                iqmp));
            }
            case "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521" -> {
                String curve = p.text();
                p.string();
                BigInteger d = p.mpint();
                AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
                params.init(new ECGenParameterSpec("secp" + curve.substring("nistp".length()) + "r1"));
                yield KeyFactory.getInstance("EC")
                        .generatePrivate(new ECPrivateKeySpec(d, params.getParameterSpec(ECParameterSpec.class)));
            }
            default ->
                throw new IOException("key file " + file + ": key type " + type + " is not supported; "
                        + "use ed25519, ecdsa or rsa, or ssh-agent");
        };
        return new KeyFileSigner(file, type, publicBlob, key);
    }

    @Override
    public byte[] publicKey() {
        return publicBlob.clone();
    }

    @Override
    public byte[] sign(byte[] data) throws IOException {
        try {
            return switch (type) {
                case "ssh-ed25519" -> blob("ssh-ed25519", jdkSign("Ed25519", data));
                // RSA signs with SHA-256: the SHA-1 "ssh-rsa" signature is refused by current OpenSSH and by us.
                case "ssh-rsa" -> blob("rsa-sha2-256", jdkSign("SHA256withRSA", data));
                default -> blob(type, ecdsa(data));
            };
        } catch (GeneralSecurityException e) {
            throw new IOException("signing with " + file + " failed: " + e.getMessage(), e);
        }
    }

    private byte[] jdkSign(String algorithm, byte[] data) throws GeneralSecurityException {
        Signature s = Signature.getInstance(algorithm);
        s.initSign(key);
        s.update(data);
        return s.sign();
    }

    /** ECDSA in SSH form: {@code mpint r | mpint s}, where the JDK gives a DER SEQUENCE of the two. */
    private byte[] ecdsa(byte[] data) throws GeneralSecurityException {
        String hash = switch (type) {
            case "ecdsa-sha2-nistp256" -> "SHA256";
            case "ecdsa-sha2-nistp384" -> "SHA384";
            default -> "SHA512";
        };
        byte[] der = jdkSign(hash + "withECDSAinP1363Format", data);
        int half = der.length / 2;
        return SshBuffer.writing()
                .putMpint(new BigInteger(1, Arrays.copyOfRange(der, 0, half)))
                .putMpint(new BigInteger(1, Arrays.copyOfRange(der, half, der.length)))
                .toByteArray();
    }

    private static byte[] blob(String algorithm, byte[] signature) {
        return SshBuffer.writing().putString(algorithm).putString(signature).toByteArray();
    }

    @Override
    public String describe() {
        return type + " key " + Fingerprint.of(publicBlob) + " (" + file + ")";
    }
}

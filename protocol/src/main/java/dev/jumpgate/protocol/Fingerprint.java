package dev.jumpgate.protocol;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * A SHA-256 digest of a certificate or key, written the way OpenSSH writes fingerprints:
 * {@code SHA256:} followed by unpadded base64. The relay's TLS certificate is pinned by this value.
 */
public record Fingerprint(byte[] sha256) {

    private static final String PREFIX = "SHA256:";

    public Fingerprint {
        if (sha256 == null || sha256.length != 32) {
            throw new IllegalArgumentException("a SHA-256 fingerprint has 32 bytes");
        }
        sha256 = sha256.clone();
    }

    public static Fingerprint of(byte[] encoded) {
        try {
            return new Fingerprint(MessageDigest.getInstance("SHA-256").digest(encoded));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public static Fingerprint parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new IllegalArgumentException(
                    "expected a fingerprint like SHA256:abc..., got '" + DeviceName.printable(text) + "'");
        }
        try {
            return new Fingerprint(Base64.getDecoder().decode(text.substring(PREFIX.length())));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "fingerprint '" + DeviceName.printable(text) + "' is not SHA256:<base64>");
        }
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    /** Constant-time comparison: pins are checked against what a peer presented. */
    public boolean matches(Fingerprint other) {
        return other != null && MessageDigest.isEqual(sha256, other.sha256);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint f && Arrays.equals(sha256, f.sha256);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return PREFIX + Base64.getEncoder().withoutPadding().encodeToString(sha256);
    }
}

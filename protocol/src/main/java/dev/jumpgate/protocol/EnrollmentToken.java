package dev.jumpgate.protocol;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;

/**
 * The one-time token that enrolls a device. It carries everything the agent needs to trust the relay on first
 * contact, so enrollment needs no other trust step:
 *
 * <pre>
 *   "jgt1_" base64url( u8 version=1 | str relay HOST:PORT | 32B relay TLS cert SHA-256
 *                      | str device | u64 expiry (unix seconds) | 32B secret )
 * </pre>
 *
 * The relay stores only the SHA-256 of the secret. The expiry travels in the token so that an agent can say
 * "this token expired" without contacting the relay; the relay checks its own record, not this copy.
 */
public record EnrollmentToken(HostPort relay, Fingerprint relayPin, DeviceName device, Instant expires, byte[] secret) {

    private static final String PREFIX = "jgt1_";
    private static final int VERSION = 1;
    public static final int SECRET_BYTES = 32;
    private static final int MAX_TEXT = 1024;

    public EnrollmentToken {
        if (secret == null || secret.length != SECRET_BYTES) {
            throw new IllegalArgumentException("token secret must be " + SECRET_BYTES + " bytes");
        }
        secret = secret.clone();
    }

    public static EnrollmentToken issue(HostPort relay, Fingerprint pin, DeviceName device, Instant expires) {
        byte[] secret = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        return new EnrollmentToken(relay, pin, device, expires, secret);
    }

    public static EnrollmentToken parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new MalformedException("not an enrollment token: it should start with " + PREFIX
                    + "; create one on the relay with `token create DEVICE`");
        }
        if (text.length() > MAX_TEXT) {
            throw new MalformedException(
                    "enrollment token is too long (" + text.length() + " characters); copy it again whole");
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(text.substring(PREFIX.length()).strip());
        } catch (IllegalArgumentException e) {
            throw new MalformedException("enrollment token is damaged (not base64url); copy it again whole");
        }
        WireReader r = new WireReader(raw);
        int version = r.u8("token version");
        if (version != VERSION) {
            throw new MalformedException("enrollment token version " + version + " is not supported by this agent");
        }
        HostPort relay;
        DeviceName device;
        try {
            relay = HostPort.parse(r.str("relay address", 300));
            Fingerprint pin = new Fingerprint(r.fixed(32, "relay pin"));
            device = DeviceName.parse(r.str("device", 63));
            long expiry = (r.u32("expiry high") << 32) | r.u32("expiry low");
            byte[] secret = r.fixed(SECRET_BYTES, "secret");
            r.end("enrollment token");
            return new EnrollmentToken(relay, pin, device, Instant.ofEpochSecond(expiry), secret);
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new MalformedException("enrollment token is damaged: " + e.getMessage());
        }
    }

    public String encode() {
        long expiry = expires.getEpochSecond();
        byte[] raw = new WireWriter()
                .u8(VERSION)
                .str(relay.toString())
                .fixed(relayPin.sha256())
                .str(device.value())
                .u32(expiry >>> 32)
                .u32(expiry & 0xffffffffL)
                .fixed(secret)
                .toByteArray();
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    /** What the relay stores and looks tokens up by: the SHA-256 of the secret, never the secret. */
    public static String secretHash(byte[] secret) {
        return Fingerprint.of(secret).toString();
    }

    public boolean secretEquals(byte[] other) {
        return MessageDigest.isEqual(secret, other);
    }

    /** Secrets never print: this is what ends up in logs if a token is ever logged by mistake. */
    @Override
    public String toString() {
        return "EnrollmentToken[device=" + device + ", relay=" + relay + ", expires=" + expires + ", secret=MASKED]";
    }
}

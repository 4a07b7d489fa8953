package dev.jumpgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class EnrollmentTokenTest {

    private static final HostPort RELAY = HostPort.parse("relay.example.com:443");
    private static final Fingerprint PIN = Fingerprint.of(new byte[] {42});
    private static final DeviceName DEVICE = new DeviceName("pi-kitchen");
    private static final Instant EXPIRES = Instant.parse("2031-05-06T07:08:09Z");

    private static byte[] secret() {
        byte[] s = new byte[EnrollmentToken.SECRET_BYTES];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) (0xA0 + i);
        }
        return s;
    }

    /** A token body written field by field, so tests can break exactly one rule. */
    private static WireWriter body(int version, String relay, String device) {
        return new WireWriter()
                .u8(version)
                .str(relay)
                .fixed(PIN.sha256())
                .str(device)
                .u32(0)
                .u32(1_900_000_000L);
    }

    private static String text(byte[] raw) {
        return "jgt1_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    private static byte[] raw(EnrollmentToken token) {
        return Base64.getUrlDecoder().decode(token.encode().substring("jgt1_".length()));
    }

    @Test
    void encodeThenParseGivesBackEveryField() {
        EnrollmentToken token = new EnrollmentToken(RELAY, PIN, DEVICE, EXPIRES, secret());
        EnrollmentToken back = EnrollmentToken.parse(token.encode());
        assertThat(back.relay()).isEqualTo(RELAY);
        assertThat(back.relayPin()).isEqualTo(PIN);
        assertThat(back.device()).isEqualTo(DEVICE);
        assertThat(back.expires()).isEqualTo(EXPIRES);
        assertThat(back.secret()).isEqualTo(secret());
        assertThat(back.secretEquals(secret())).isTrue();
    }

    @Test
    void ipv6RelayAndFarFutureOrPastExpiryRoundTrip() {
        for (Instant expires : new Instant[] {Instant.parse("3000-01-01T00:00:00Z"), Instant.EPOCH.minusSeconds(5)}) {
            EnrollmentToken token =
                    new EnrollmentToken(HostPort.parse("[2001:db8::1]:8443"), PIN, DEVICE, expires, secret());
            EnrollmentToken back = EnrollmentToken.parse(token.encode());
            assertThat(back.relay()).isEqualTo(new HostPort("2001:db8::1", 8443));
            assertThat(back.expires()).isEqualTo(expires);
        }
    }

    @Test
    void encodedTokenIsUrlSafeTextWithThePrefix() {
        String text = EnrollmentToken.issue(RELAY, PIN, DEVICE, EXPIRES).encode();
        assertThat(text).startsWith("jgt1_").matches("jgt1_[A-Za-z0-9_-]+");
    }

    @Test
    void trailingWhitespaceFromCopyAndPasteIsTolerated() {
        EnrollmentToken token = new EnrollmentToken(RELAY, PIN, DEVICE, EXPIRES, secret());
        assertThat(EnrollmentToken.parse(token.encode() + "\n").secret()).isEqualTo(secret());
    }

    @Test
    void issuedTokensHaveFreshRandomSecrets() {
        byte[] a = EnrollmentToken.issue(RELAY, PIN, DEVICE, EXPIRES).secret();
        byte[] b = EnrollmentToken.issue(RELAY, PIN, DEVICE, EXPIRES).secret();
        assertThat(a).hasSize(32).isNotEqualTo(b);
    }

    @Test
    void toStringMasksTheSecretInEveryEncoding() {
        EnrollmentToken token = new EnrollmentToken(RELAY, PIN, DEVICE, EXPIRES, secret());
        String shown = token.toString();
        byte[] s = secret();
        assertThat(shown)
                .contains("pi-kitchen", "MASKED")
                .doesNotContain(Base64.getEncoder().encodeToString(s))
                .doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(s))
                .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(s))
                .doesNotContain(HexFormat.of().formatHex(s))
                .doesNotContain(token.encode().substring(5))
                .doesNotContain("[-96, -95"); // Arrays.toString of the secret
    }

    @Test
    void secretIsCopiedInAndOut() {
        byte[] s = secret();
        EnrollmentToken token = new EnrollmentToken(RELAY, PIN, DEVICE, EXPIRES, s);
        s[0] = 0;
        token.secret()[1] = 0;
        assertThat(token.secret()).isEqualTo(secret());
    }

    @Test
    void textWithoutThePrefixIsNotAToken() {
        for (String text : new String[] {null, "", "jgt2_AAAA", "ssh-ed25519 AAAA", " jgt", "JGT1_AAAA"}) {
            assertThatThrownBy(() -> EnrollmentToken.parse(text))
                    .as("%s", text)
                    .isInstanceOf(MalformedException.class)
                    .hasMessageContaining("jgt1_");
        }
    }

    @Test
    void damagedBase64IsMalformed() {
        String good = new EnrollmentToken(RELAY, PIN, DEVICE, EXPIRES, secret()).encode();
        String damaged = good.substring(0, 20) + "!*" + good.substring(22);
        assertThatThrownBy(() -> EnrollmentToken.parse(damaged))
                .isInstanceOf(MalformedException.class)
                .hasMessageContaining("damaged");
    }

    @Test
    void everyTruncationIsMalformed() {
        byte[] raw = raw(new EnrollmentToken(RELAY, PIN, DEVICE, EXPIRES, secret()));
        for (int n = 0; n < raw.length; n++) {
            byte[] cut = Arrays.copyOf(raw, n);
            assertThatThrownBy(() -> EnrollmentToken.parse(text(cut)))
                    .as("first %d bytes", n)
                    .isInstanceOf(MalformedException.class)
                    .hasMessageContaining("truncated");
        }
    }

    @Test
    void trailingBytesAreMalformed() {
        byte[] raw = raw(new EnrollmentToken(RELAY, PIN, DEVICE, EXPIRES, secret()));
        byte[] longer = Arrays.copyOf(raw, raw.length + 1);
        assertThatThrownBy(() -> EnrollmentToken.parse(text(longer)))
                .isInstanceOf(MalformedException.class)
                .hasMessageContaining("trailing");
    }

    @Test
    void oversizedTokenTextIsRefusedBeforeDecoding() {
        String huge = "jgt1_" + "A".repeat(2000);
        assertThatThrownBy(() -> EnrollmentToken.parse(huge)).isInstanceOf(MalformedException.class);
    }

    @Test
    void oversizedFieldsAreMalformed() {
        byte[] longRelay =
                body(1, "r".repeat(301) + ":443", "pi").fixed(secret()).toByteArray();
        assertThatThrownBy(() -> EnrollmentToken.parse(text(longRelay)))
                .isInstanceOf(MalformedException.class)
                .hasMessageContaining("relay address");
        byte[] longDevice = body(1, "relay:443", "a".repeat(64)).fixed(secret()).toByteArray();
        assertThatThrownBy(() -> EnrollmentToken.parse(text(longDevice)))
                .isInstanceOf(MalformedException.class)
                .hasMessageContaining("device");
    }

    @Test
    void otherVersionsAreRefusedByNumber() {
        byte[] raw = raw(new EnrollmentToken(RELAY, PIN, DEVICE, EXPIRES, secret()));
        raw[0] = 2;
        assertThatThrownBy(() -> EnrollmentToken.parse(text(raw)))
                .isInstanceOf(MalformedException.class)
                .hasMessageContaining("version 2");
    }

    @Test
    void invalidFieldValuesAreMalformedNotIllegalArgument() {
        byte[] badDevice = body(1, "relay:443", "192.168.1.1").fixed(secret()).toByteArray();
        assertThatThrownBy(() -> EnrollmentToken.parse(text(badDevice)))
                .isInstanceOf(MalformedException.class)
                .hasMessageContaining("damaged");
        byte[] badRelay = body(1, "relay-without-port", "pi").fixed(secret()).toByteArray();
        assertThatThrownBy(() -> EnrollmentToken.parse(text(badRelay)))
                .isInstanceOf(MalformedException.class)
                .hasMessageContaining("damaged");
        byte[] badUtf8 =
                new WireWriter().u8(1).bytes(new byte[] {(byte) 0xC3, 0x28}).toByteArray();
        assertThatThrownBy(() -> EnrollmentToken.parse(text(badUtf8)))
                .isInstanceOf(MalformedException.class)
                .hasMessageContaining("UTF-8");
    }

    @Test
    void malformedMessagesNeverEchoTheSecret() {
        byte[] raw = raw(new EnrollmentToken(RELAY, PIN, DEVICE, EXPIRES, secret()));
        String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(secret());
        for (int n = 0; n <= raw.length + 1; n++) {
            byte[] variant = Arrays.copyOf(raw, n);
            try {
                EnrollmentToken.parse(text(variant));
            } catch (MalformedException e) {
                assertThat(e.getMessage())
                        .doesNotContain(b64)
                        .doesNotContain(HexFormat.of().formatHex(secret()));
            }
        }
    }

    @Test
    void constructorRequiresA32ByteSecret() {
        assertThatThrownBy(() -> new EnrollmentToken(RELAY, PIN, DEVICE, EXPIRES, new byte[31]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EnrollmentToken(RELAY, PIN, DEVICE, EXPIRES, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void secretHashIsTheFingerprintOfTheSecretNotTheSecret() {
        String hash = EnrollmentToken.secretHash(secret());
        assertThat(hash)
                .isEqualTo(Fingerprint.of(secret()).toString())
                .doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(secret()));
    }

    @Test
    void expiryOutsideWhatAnInstantHoldsIsMalformed() {
        byte[] raw = new WireWriter()
                .u8(1)
                .str("relay:443")
                .fixed(PIN.sha256())
                .str("pi")
                .u32(0x7fffffffL)
                .u32(0xffffffffL)
                .fixed(secret())
                .toByteArray();
        assertThatThrownBy(() -> EnrollmentToken.parse(text(raw)))
                .isInstanceOf(MalformedException.class)
                .hasMessageContaining("damaged");
    }

    @Test
    void overlongTokenSaysItIsTooLong() {
        assertThatThrownBy(() -> EnrollmentToken.parse("jgt1_" + "A".repeat(2000)))
                .isInstanceOf(MalformedException.class)
                .hasMessageContaining("too long");
    }
}

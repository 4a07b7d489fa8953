package dev.jumpgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each limit of the link frames, at the limit (decodes) and one past it (malformed). */
class LinkCodecBoundaryTest {

    private static final DeviceName PI = new DeviceName("pi-kitchen");

    private static void assertMalformed(byte[] frame, String messagePart) {
        assertThatThrownBy(() -> LinkCodec.decode(frame))
                .isInstanceOf(MalformedException.class)
                .hasMessageContaining(messagePart);
    }

    private static LinkMessage roundTrip(LinkMessage m) {
        return LinkCodec.decode(LinkCodec.encode(m));
    }

    /** A Hello of three host keys of the largest size and a fourth of {@code lastKey} bytes. */
    private static LinkMessage.Hello bigHello(int lastKey) {
        String big = "k".repeat(LinkCodec.MAX_KEY_TEXT);
        return new LinkMessage.Hello(PI, new byte[0], List.of(big, big, big, "k".repeat(lastKey)), "0.1.0");
    }

    @Test
    void aFrameOfExactlyTheLimitDecodesAndOneByteMoreIsRefusedBeforeDecoding() {
        // type 1 + device 2+10 + secret 2 + count 2 + 3 keys of 2+8192 + 2 + last + version 2+5
        int lastKey = LinkCodec.MAX_FRAME - (1 + 12 + 2 + 2 + 3 * (2 + LinkCodec.MAX_KEY_TEXT) + 2 + 7);
        byte[] atLimit = LinkCodec.encode(bigHello(lastKey));
        assertThat(atLimit).hasSize(LinkCodec.MAX_FRAME);
        assertThat(LinkCodec.decode(atLimit)).isInstanceOf(LinkMessage.Hello.class);

        byte[] over = LinkCodec.encode(bigHello(lastKey + 1));
        assertThat(over).hasSize(LinkCodec.MAX_FRAME + 1);
        assertMalformed(over, "exceeds " + LinkCodec.MAX_FRAME);
    }

    @Test
    void anEmptyFrameIsMalformedForItsMissingType() {
        assertMalformed(new byte[0], "truncated: message type needs 1 bytes, 0 left");
    }

    @Test
    void aLengthThatClaimsMoreThanTheFrameHoldsIsMalformedWithoutReadingPastIt() {
        byte[] frame =
                new WireWriter().u8(1).u16(40).fixed("pi-kitchen".getBytes()).toByteArray();
        assertMalformed(frame, "truncated: device needs 40 bytes, 10 left");
    }

    @Test
    void aLengthPrefixCutInHalfIsMalformed() {
        assertMalformed(new byte[] {1, 0}, "truncated: device length needs 2 bytes, 1 left");
    }

    @Test
    void theLargestDeviceNameDecodesAndOneLongerIsMalformed() {
        String longest = "a".repeat(63);
        assertThat(roundTrip(new LinkMessage.Hello(new DeviceName(longest), new byte[0], List.of(), "v")))
                .isInstanceOfSatisfying(
                        LinkMessage.Hello.class,
                        h -> assertThat(h.device().value()).isEqualTo(longest));
        assertMalformed(new WireWriter().u8(1).str("a".repeat(64)).toByteArray(), "device is 64 bytes, limit 63");
    }

    @Test
    void anEnrollmentSecretOfTheTokensSizeDecodesAndOneByteMoreIsMalformed() {
        byte[] secret = new byte[EnrollmentToken.SECRET_BYTES];
        secret[31] = 7;
        assertThat(roundTrip(new LinkMessage.Hello(PI, secret, List.of(), "v")))
                .isInstanceOfSatisfying(
                        LinkMessage.Hello.class,
                        h -> assertThat(h.enrollmentSecret()).isEqualTo(secret));
        assertMalformed(
                new WireWriter()
                        .u8(1)
                        .str("pi")
                        .bytes(new byte[33])
                        .u16(0)
                        .str("v")
                        .toByteArray(),
                "enrollment secret is 33 bytes, limit 32");
    }

    @Test
    void versionsOfSixtyFourBytesDecodeAndLongerOnesAreMalformed() {
        String v64 = "v".repeat(64);
        assertThat(roundTrip(new LinkMessage.Hello(PI, new byte[0], List.of(), v64)))
                .isNotNull();
        assertThat(roundTrip(new LinkMessage.Welcome(v64, 0))).isEqualTo(new LinkMessage.Welcome(v64, 0));
        assertMalformed(LinkCodec.encode(new LinkMessage.Welcome(v64 + "v", 0)), "relay version is 65 bytes");
        assertMalformed(
                LinkCodec.encode(new LinkMessage.Challenge(new byte[32], v64 + "v")), "relay version is 65 bytes");
    }

    @Test
    void aRefusalDetailOf1024BytesDecodesAnd1025IsMalformed() {
        String d = "d".repeat(1024);
        assertThat(roundTrip(new LinkMessage.Refusal(LinkMessage.Reason.values()[0], d)))
                .isEqualTo(new LinkMessage.Refusal(LinkMessage.Reason.values()[0], d));
        assertMalformed(
                LinkCodec.encode(new LinkMessage.Refusal(LinkMessage.Reason.values()[0], d + "d")),
                "detail is 1025 bytes, limit 1024");
    }

    @Test
    void aChallengeNonceIsExactlyThirtyTwoBytes() {
        byte[] nonce = new byte[LinkMessage.Challenge.NONCE_BYTES];
        nonce[0] = 1;
        assertThat(roundTrip(new LinkMessage.Challenge(nonce, "r")))
                .isInstanceOfSatisfying(
                        LinkMessage.Challenge.class, c -> assertThat(c.nonce()).isEqualTo(nonce));
        assertMalformed(new WireWriter().u8(4).fixed(new byte[31]).toByteArray(), "truncated: nonce needs 32 bytes");
    }

    @Test
    void loginKeysAndSignaturesUpTo4096BytesDecodeAndLargerAreMalformed() {
        byte[] max = new byte[LinkCodec.MAX_KEY_BLOB];
        LinkMessage decoded = roundTrip(new LinkMessage.Login("u".repeat(32), max, max, "c".repeat(64)));
        assertThat(decoded).isInstanceOfSatisfying(LinkMessage.Login.class, l -> {
            assertThat(l.publicKey()).hasSize(4096);
            assertThat(l.signature()).hasSize(4096);
        });
        byte[] over = new byte[LinkCodec.MAX_KEY_BLOB + 1];
        assertMalformed(LinkCodec.encode(new LinkMessage.Login("u", over, max, "c")), "public key is 4097 bytes");
        assertMalformed(LinkCodec.encode(new LinkMessage.Login("u", max, over, "c")), "signature is 4097 bytes");
        assertMalformed(LinkCodec.encode(new LinkMessage.Login("u".repeat(33), max, max, "c")), "user is 33 bytes");
    }

    @Test
    void everyTypeByteOutsideOneToFiveIsUnknown() {
        for (int type : new int[] {0, 6, 7, 0x7f, 0x80, 0xff}) {
            assertMalformed(new WireWriter().u8(type).toByteArray(), "unknown link message type " + type);
        }
    }

    @Test
    void unsignedFieldsReadTheirFullRange() {
        WireReader r = new WireReader(
                new WireWriter().u8(0xff).u16(0xffff).u32(0xffffffffL).toByteArray());
        assertThat(r.u8("a")).isEqualTo(255);
        assertThat(r.u16("b")).isEqualTo(65535);
        assertThat(r.u32("c")).isEqualTo(4_294_967_295L);
        r.end("all");
    }

    @Test
    void aFixedLengthAbove2To31FromAU32IsMalformedNotANegativeAllocation() {
        WireReader r = new WireReader(new byte[8]);
        assertThatThrownBy(() -> r.fixed((int) 0xffffffffL, "blob"))
                .isInstanceOf(MalformedException.class)
                .hasMessageContaining("blob claims 4294967295 bytes");
    }
}

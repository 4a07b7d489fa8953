package dev.jumpgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkCodecTest {

    private static final DeviceName PI = new DeviceName("pi-kitchen");
    private static final List<String> KEYS =
            List.of("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB", "ecdsa-sha2-nistp256 AAAAE2V");

    static List<LinkMessage> samples() {
        List<LinkMessage> all = new ArrayList<>();
        all.add(new LinkMessage.Hello(PI, new byte[0], List.of(), "0.1.0"));
        all.add(new LinkMessage.Hello(PI, new byte[32], KEYS, "0.1.0-ünïcode"));
        all.add(new LinkMessage.Welcome("relay 1.2.3", 10));
        all.add(new LinkMessage.Welcome("", 65535));
        for (LinkMessage.Reason r : LinkMessage.Reason.values()) {
            all.add(new LinkMessage.Refusal(r, "because " + r));
        }
        return all;
    }

    /** Frame for a Hello whose fields are written raw, so a test can break one of them. */
    private static WireWriter hello(String device, byte[] secret, int keyCount) {
        return new WireWriter().u8(1).str(device).bytes(secret).u16(keyCount);
    }

    private static void assertMalformed(byte[] frame, String messagePart) {
        assertThatThrownBy(() -> LinkCodec.decode(frame))
                .isInstanceOf(MalformedException.class)
                .hasMessageContaining(messagePart);
    }

    @Test
    void helloRoundTripsWithSecretAndHostKeys() {
        var hello = new LinkMessage.Hello(PI, filled(32, 9), KEYS, "0.1.0");
        var back = (LinkMessage.Hello) LinkCodec.decode(LinkCodec.encode(hello));
        assertThat(back.device()).isEqualTo(PI);
        assertThat(back.enrollmentSecret()).isEqualTo(filled(32, 9));
        assertThat(back.enrolling()).isTrue();
        assertThat(back.hostKeys()).isEqualTo(KEYS);
        assertThat(back.agentVersion()).isEqualTo("0.1.0");
    }

    @Test
    void helloWithoutSecretIsNotEnrolling() {
        var back =
                (LinkMessage.Hello) LinkCodec.decode(LinkCodec.encode(new LinkMessage.Hello(PI, null, List.of(), "v")));
        assertThat(back.enrolling()).isFalse();
        assertThat(back.enrollmentSecret()).isEmpty();
        assertThat(back.hostKeys()).isEmpty();
    }

    @Test
    void sixteenHostKeysAndOneKeyOfMaximumSizeRoundTrip() {
        List<String> keys = Collections.nCopies(LinkCodec.MAX_HOST_KEYS, "k".repeat(1024));
        assertThat(((LinkMessage.Hello) LinkCodec.decode(LinkCodec.encode(new LinkMessage.Hello(PI, null, keys, "v"))))
                        .hostKeys())
                .isEqualTo(keys);
        List<String> big = List.of("k".repeat(LinkCodec.MAX_KEY_TEXT));
        assertThat(((LinkMessage.Hello) LinkCodec.decode(LinkCodec.encode(new LinkMessage.Hello(PI, null, big, "v"))))
                        .hostKeys())
                .isEqualTo(big);
    }

    @Test
    void everyMessageTypeRoundTrips() {
        for (LinkMessage m : samples()) {
            LinkMessage back = LinkCodec.decode(LinkCodec.encode(m));
            if (m instanceof LinkMessage.Hello h) {
                var hb = (LinkMessage.Hello) back;
                assertThat(hb.device()).isEqualTo(h.device());
                assertThat(hb.enrollmentSecret()).isEqualTo(h.enrollmentSecret());
                assertThat(hb.hostKeys()).isEqualTo(h.hostKeys());
                assertThat(hb.agentVersion()).isEqualTo(h.agentVersion());
            } else {
                assertThat(back).isEqualTo(m);
            }
        }
    }

    @Test
    void everyTruncationOfEveryMessageIsMalformed() {
        for (LinkMessage m : samples()) {
            byte[] frame = LinkCodec.encode(m);
            for (int n = 0; n < frame.length; n++) {
                byte[] cut = Arrays.copyOf(frame, n);
                assertThatThrownBy(() -> LinkCodec.decode(cut))
                        .as("%s cut to %d bytes", m, n)
                        .isInstanceOf(MalformedException.class)
                        .hasMessageContaining("truncated");
            }
        }
    }

    @Test
    void trailingBytesAfterAnyMessageAreMalformed() {
        for (LinkMessage m : samples()) {
            byte[] frame = LinkCodec.encode(m);
            assertMalformed(Arrays.copyOf(frame, frame.length + 3), "3 unexpected trailing bytes");
        }
    }

    @Test
    void unknownMessageTypesAreMalformed() {
        for (int type : new int[] {0, 6, 0x7f, 0xff}) { // 4 and 5 are the client link's Challenge and Login
            assertMalformed(new byte[] {(byte) type, 0, 0, 0}, "unknown link message type " + type);
        }
    }

    @Test
    void unknownRefusalReasonIsMalformed() {
        assertMalformed(new WireWriter().u8(3).u8(99).str("x").toByteArray(), "unknown refusal reason 99");
    }

    @Test
    void moreThanSixteenHostKeysAreMalformedBeforeReadingThem() {
        assertMalformed(hello("pi", new byte[0], 17).toByteArray(), "17 host keys, limit 16");
        assertMalformed(hello("pi", new byte[0], 0xffff).toByteArray(), "65535 host keys");
    }

    @Test
    void oversizedFieldsAreMalformed() {
        assertMalformed(hello("pi", new byte[33], 0).str("v").toByteArray(), "enrollment secret is 33 bytes");
        assertMalformed(
                hello("pi", new byte[0], 1)
                        .str("k".repeat(LinkCodec.MAX_KEY_TEXT + 1))
                        .str("v")
                        .toByteArray(),
                "host key is 8193 bytes");
        assertMalformed(hello("pi", new byte[0], 0).str("v".repeat(65)).toByteArray(), "agent version is 65 bytes");
        assertMalformed(new WireWriter().u8(1).str("a".repeat(64)).toByteArray(), "device is 64 bytes");
        assertMalformed(new WireWriter().u8(2).str("r".repeat(65)).u16(1).toByteArray(), "relay version is 65 bytes");
        assertMalformed(new WireWriter().u8(3).u8(1).str("d".repeat(1025)).toByteArray(), "detail is 1025 bytes");
    }

    @Test
    void framesLargerThanTheLimitAreMalformedWithoutDecoding() {
        byte[] huge = new byte[LinkCodec.MAX_FRAME + 1];
        huge[0] = 2;
        assertMalformed(huge, "exceeds " + LinkCodec.MAX_FRAME);
    }

    @Test
    void invalidUtf8IsMalformedInEveryStringField() {
        byte[] bad = {(byte) 0xC3, 0x28};
        assertMalformed(new WireWriter().u8(1).bytes(bad).toByteArray(), "device is not valid UTF-8");
        assertMalformed(hello("pi", new byte[0], 1).bytes(bad).str("v").toByteArray(), "host key is not valid UTF-8");
        assertMalformed(
                hello("pi", new byte[0], 0)
                        .bytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})
                        .toByteArray(),
                "agent version is not valid UTF-8"); // an encoded lone surrogate
        assertMalformed(new WireWriter().u8(2).bytes(bad).u16(1).toByteArray(), "relay version is not valid UTF-8");
        assertMalformed(
                new WireWriter().u8(3).u8(1).bytes(new byte[] {(byte) 0xFF}).toByteArray(),
                "detail is not valid UTF-8");
    }

    @Test
    void invalidDeviceNamesInHelloAreMalformed() {
        for (String name : new String[] {"", "192.168.1.1", "-pi", "pi_kitchen", "12345"}) {
            assertThatThrownBy(() -> LinkCodec.decode(
                            hello(name, new byte[0], 0).str("v").toByteArray()))
                    .as(name)
                    .isInstanceOf(MalformedException.class)
                    .hasMessageContaining("invalid device name");
        }
    }

    @Test
    void upperCaseDeviceNameOnTheWireIsFolded() {
        var back = (LinkMessage.Hello)
                LinkCodec.decode(hello("Pi-Kitchen", new byte[0], 0).str("v").toByteArray());
        assertThat(back.device()).isEqualTo(PI);
    }

    @Test
    void helloToStringDoesNotShowTheSecret() {
        var hello = new LinkMessage.Hello(PI, filled(32, 0x5a), KEYS, "v");
        assertThat(hello.toString())
                .contains("enrolling=true")
                .doesNotContain("90, 90")
                .doesNotContain("ZZZZ");
    }

    @Test
    void magicIsJgl1() {
        assertThat(new String(LinkCodec.MAGIC, StandardCharsets.US_ASCII)).isEqualTo("JGL1");
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}

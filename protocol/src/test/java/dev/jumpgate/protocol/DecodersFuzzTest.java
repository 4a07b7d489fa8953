package dev.jumpgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Every decoder in {@code protocol} meets hostile bytes with a {@link MalformedException} (or, for the plain
 * value parsers, an {@link IllegalArgumentException} that says what to type instead) and nothing else: no index
 * error, no huge allocation, no hang. In the default suite these run the committed seeds under
 * {@code src/test/resources/.../DecodersFuzzTestInputs/}; {@code scripts/fuzz} fuzzes them for a set time.
 */
class DecodersFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void linkFrame(byte[] frame) {
        LinkMessage m;
        try {
            m = LinkCodec.decode(frame);
        } catch (MalformedException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        // What decodes re-encodes to a frame that decodes to the same message (device names fold to lower
        // case, so the bytes may differ from the input, but only once).
        byte[] canonical = LinkCodec.encode(m);
        assertThat(LinkCodec.encode(LinkCodec.decode(canonical))).isEqualTo(canonical);
        assertThat(canonical.length).isLessThanOrEqualTo(frame.length);
    }

    @FuzzTest(maxDuration = "10s")
    void enrollmentToken(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        EnrollmentToken t;
        try {
            t = EnrollmentToken.parse(text);
        } catch (MalformedException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(t.secret()).hasSize(EnrollmentToken.SECRET_BYTES);
        assertThat(t.toString()).contains("MASKED");
        assertThat(EnrollmentToken.parse(t.encode())).usingRecursiveComparison().isEqualTo(t);
    }

    @FuzzTest(maxDuration = "10s")
    void hostPort(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        HostPort hp;
        try {
            hp = HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(hp.port()).isBetween(0, 65535);
        assertThat(HostPort.parse(hp.toString())).isEqualTo(hp);
    }

    @FuzzTest(maxDuration = "10s")
    void deviceName(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        DeviceName d;
        try {
            d = DeviceName.parse(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        // A device name is a DNS label: it can never smuggle a port, a path or whitespace into a target.
        assertThat(d.value()).matches("[a-z0-9][a-z0-9-]{0,62}");
    }
}

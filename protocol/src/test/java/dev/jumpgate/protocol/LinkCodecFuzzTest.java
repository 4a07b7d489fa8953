package dev.jumpgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Decoding hostile bytes ends in a {@link MalformedException} or a message, never in any other exception. */
class LinkCodecFuzzTest {

    private static final int ROUNDS = 20_000;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void decodingRandomAndMutatedFramesThrowsOnlyMalformedException() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<byte[]> valid =
                LinkCodecTest.samples().stream().map(LinkCodec::encode).toList();
        int decoded = 0;
        int malformed = 0;
        for (int i = 0; i < ROUNDS; i++) {
            byte[] input = i % 4 == 0 ? randomBytes(random) : mutate(random, valid.get(random.nextInt(valid.size())));
            try {
                LinkMessage m = LinkCodec.decode(input);
                decoded++;
                // Whatever decodes must re-encode to something that decodes the same way.
                assertThat(LinkCodec.encode(LinkCodec.decode(LinkCodec.encode(m))))
                        .isEqualTo(LinkCodec.encode(m));
            } catch (MalformedException e) {
                malformed++;
                assertThat(e.getMessage()).isNotBlank();
            } catch (RuntimeException | Error e) {
                fail("seed " + seed + ", round " + i + ": " + e + " decoding " + Arrays.toString(input), e);
            }
        }
        assertThat(decoded + malformed).isEqualTo(ROUNDS);
        assertThat(malformed).as("most mutations break a rule").isGreaterThan(ROUNDS / 2);
    }

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[random.nextInt(64)];
        random.nextBytes(b);
        if (b.length > 0) {
            b[0] = (byte) (1 + random.nextInt(4)); // mostly known types, so decoding goes past the first byte
        }
        return b;
    }

    private static byte[] mutate(Random random, byte[] frame) {
        byte[] b = frame.clone();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            switch (random.nextInt(5)) {
                case 0 -> {
                    if (b.length > 0) {
                        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                    }
                }
                case 1 -> b = Arrays.copyOf(b, random.nextInt(b.length + 1));
                case 2 -> {
                    byte[] longer = Arrays.copyOf(b, b.length + 1 + random.nextInt(8));
                    for (int i = b.length; i < longer.length; i++) {
                        longer[i] = (byte) random.nextInt(256);
                    }
                    b = longer;
                }
                case 3 -> {
                    if (b.length > 2) { // a length field pushed to an extreme
                        int at = 1 + random.nextInt(b.length - 2);
                        b[at] = (byte) 0xff;
                        b[at + 1] = (byte) random.nextInt(256);
                    }
                }
                default -> {
                    if (b.length > 0) {
                        b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
            }
        }
        return b;
    }
}

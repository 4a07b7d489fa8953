package dev.jumpgate.relay.bastion;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jumpgate.relay.console.FirstAdmin;
import dev.jumpgate.relay.console.Result;
import dev.jumpgate.relay.store.Role;
import dev.jumpgate.relay.store.Store;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code ssh first-admin@RELAY claim} reads stdin from whoever reached the port while the relay has no admin. Any
 * bytes but the token are refused with the message that says what to send, never an exception, never an admin
 * made; and the claim reads no more than {@link FirstAdmin#MAX_INPUT} bytes of them.
 */
class FirstAdminClaimFuzzTest {

    private static final String KEY =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVr0mzDMVKSuzFYAmR7Tqh9nV1fNTVNn8fCyoeGZ9aH first-admin";
    private static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");
    private static final Store STORE;
    private static final FirstAdmin OFFER;

    static {
        try {
            Path dir = Files.createTempDirectory("first-admin-fuzz");
            dir.toFile().deleteOnExit();
            STORE = Store.open(dir);
            OFFER = FirstAdmin.prepare(dir, STORE, NOW);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void claim(byte[] input) throws IOException {
        Counting in = new Counting(input);
        String line = ClaimCommand.firstLine(in);
        assertThat(in.read).isLessThanOrEqualTo(FirstAdmin.MAX_INPUT);

        Result r = OFFER.claim(KEY, line, NOW);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .isEqualTo("that is not the token in " + OFFER.file() + " on the relay; send the file itself: claim < "
                        + OFFER.file() + "\n");
        assertThat(OFFER.isOpen(NOW)).isTrue();
        assertThat(STORE.users()).noneMatch(u -> u.role() == Role.ADMIN);
    }

    /** Counts the bytes taken from the claimant's stdin. */
    private static final class Counting extends InputStream {
        private final ByteArrayInputStream in;
        int read;

        Counting(byte[] bytes) {
            in = new ByteArrayInputStream(bytes);
        }

        @Override
        public int read() {
            int b = in.read();
            if (b != -1) {
                read++;
            }
            return b;
        }
    }
}

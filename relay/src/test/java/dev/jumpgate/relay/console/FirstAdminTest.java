package dev.jumpgate.relay.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jumpgate.relay.store.FreshStore;
import dev.jumpgate.relay.store.Role;
import dev.jumpgate.relay.store.StoreException;
import dev.jumpgate.relay.store.User;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FirstAdminTest extends FreshStore {

    static final String KEY =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVr0mzDMVKSuzFYAmR7Tqh9nV1fNTVNn8fCyoeGZ9aH first-admin";
    static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");

    @Test
    void relayWithoutAdminWritesAOneTimeTokenOnlyItsOwnerCanRead() throws Exception {
        FirstAdmin offer = FirstAdmin.prepare(dir, store, NOW);

        Path file = dir.resolve("first-admin");
        assertThat(offer.file()).isEqualTo(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(file)).matches("[A-Za-z0-9_-]{43}\n");
        assertThat(offer.isOpen(NOW)).isTrue();
    }

    @Test
    void theTokenMakesTheClaimantsKeyTheAdminOnceAndIsRemoved() throws Exception {
        FirstAdmin offer = FirstAdmin.prepare(dir, store, NOW);
        String token = Files.readString(dir.resolve("first-admin"));

        Result r = offer.claim(KEY, token, NOW.plusSeconds(60));

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(store.users()).containsExactly(new User("admin", Role.ADMIN));
        assertThat(store.userForKey("ssh-ed25519", KEY.split(" ")[1])).contains("admin");
        assertThat(dir.resolve("first-admin")).doesNotExist();
        assertThat(offer.isOpen(NOW.plusSeconds(61))).isFalse();
        assertThat(offer.claim(KEY.replace("aH ", "aI "), token, NOW.plusSeconds(62))
                        .err())
                .isEqualTo("this relay already has its admin; ask them for an account\n");
    }

    @Test
    void aWrongTokenChangesNothingAndIsNotRepeated() throws Exception {
        FirstAdmin offer = FirstAdmin.prepare(dir, store, NOW);

        Result r = offer.claim(KEY, "not-the-token", NOW);

        assertThat(r.exit()).isNotZero();
        assertThat(r.err())
                .contains("not the token in " + dir.resolve("first-admin"))
                .doesNotContain("not-the-token");
        assertThat(store.users()).isEmpty();
        assertThat(offer.isOpen(NOW)).isTrue();
        assertThat(dir.resolve("first-admin")).exists();
    }

    @Test
    void theTokenExpiresAfterAnHour() throws Exception {
        FirstAdmin offer = FirstAdmin.prepare(dir, store, NOW);
        String token = Files.readString(dir.resolve("first-admin"));

        assertThat(offer.isOpen(NOW.plus(FirstAdmin.TTL))).isFalse();
        assertThat(offer.claim(KEY, token, NOW.plus(FirstAdmin.TTL)).err()).contains("expired");
        assertThat(store.users()).isEmpty();
    }

    @Test
    void aRelayWithAnAdminOffersNoClaimAndRemovesAnOldToken() throws Exception {
        FirstAdmin.prepare(dir, store, NOW);
        store.ensureAdmin("root", KEY);

        FirstAdmin offer = FirstAdmin.prepare(dir, store, NOW);

        assertThat(offer.isOpen(NOW)).isFalse();
        assertThat(dir.resolve("first-admin")).doesNotExist();
    }

    @Test
    void firstAdminIsNoUserName() {
        assertThatThrownBy(() -> store.addUser("first-admin", Role.USER))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("reserved");
    }
}

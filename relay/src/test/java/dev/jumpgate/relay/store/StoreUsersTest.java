package dev.jumpgate.relay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.Fingerprint;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoreUsersTest extends FreshStore {

    @Test
    void usersAreListedByName() {
        store.addUser("carol", Role.USER);
        store.addUser("alice", Role.ADMIN);

        assertThat(store.users()).containsExactly(new User("alice", Role.ADMIN), new User("carol", Role.USER));
        assertThat(store.user("carol")).contains(new User("carol", Role.USER));
        assertThat(store.user("dave")).isEmpty();
    }

    @Test
    void existingUserIsNotAddedTwice() {
        store.addUser("alice", Role.USER);

        assertThatThrownBy(() -> store.addUser("alice", Role.ADMIN))
                .isInstanceOf(StoreException.class)
                .hasMessage("user 'alice' already exists");
        assertThat(store.user("alice")).contains(new User("alice", Role.USER));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"", "Alice", "1alice", "al ice", "alice@home", "-alice", "a23456789012345678901234567890123"})
    void invalidUserNameIsRefusedWithReason(String name) {
        assertThatThrownBy(() -> store.addUser(name, Role.USER))
                .isInstanceOf(StoreException.class)
                .hasMessage("invalid user name '" + name + "': use lowercase letters, digits, '_', '.', '-'");
        assertThat(store.users()).isEmpty();
    }

    @Test
    void validUserNamesIncludeUnixStyleNames() {
        store.addUser("_svc", Role.USER);
        store.addUser("j.doe-2", Role.USER);
        store.addUser("a2345678901234567890123456789012", Role.USER);

        assertThat(store.users()).hasSize(3);
    }

    @Test
    void keyIsStoredWithoutItsCommentAndTheCommentKeptApart() {
        store.addUser("alice", Role.USER);
        String blob = TestKeys.blob("ssh-ed25519", 1);

        store.addUserKey("alice", "  ssh-ed25519 " + blob + "   alice@laptop (work)  ");

        assertThat(store.keys("alice"))
                .containsExactly(new UserKey("alice", "ssh-ed25519", blob, "alice@laptop (work)"));
        assertThat(store.keys("alice").get(0).keyLine()).isEqualTo("ssh-ed25519 " + blob);
        assertThat(store.userForKey("ssh-ed25519", blob)).contains("alice");
    }

    @Test
    void keyWithoutCommentHasNullComment() {
        store.addUser("alice", Role.USER);
        store.addUserKey("alice", TestKeys.line("ecdsa-sha2-nistp256", 2, null));

        assertThat(store.keys("alice"))
                .singleElement()
                .extracting(UserKey::comment)
                .isNull();
    }

    @Test
    void keyBelongsToOneUser() {
        store.addUser("alice", Role.USER);
        store.addUser("bob", Role.USER);
        store.addUserKey("bob", TestKeys.ed25519(1));

        // Same key, different comment: still the same key.
        assertThatThrownBy(() -> store.addUserKey("alice", TestKeys.line("ssh-ed25519", 1, "other")))
                .isInstanceOf(StoreException.class)
                .hasMessage("this key already belongs to user 'bob'");
        assertThat(store.keys("alice")).isEmpty();
        assertThat(store.userForKey("ssh-ed25519", TestKeys.blob("ssh-ed25519", 1)))
                .contains("bob");
    }

    @Test
    void addingTheSameKeyToTheSameUserAgainChangesNothing() {
        store.addUser("alice", Role.USER);
        store.addUserKey("alice", TestKeys.ed25519(1));
        store.addUserKey("alice", TestKeys.ed25519(1));

        assertThat(store.keys("alice")).hasSize(1);
    }

    @Test
    void keysAreListedInTheOrderAdded() {
        store.addUser("alice", Role.USER);
        store.addUserKey("alice", TestKeys.ed25519(9));
        store.addUserKey("alice", TestKeys.line("ssh-rsa", 3, null));
        store.addUserKey("alice", TestKeys.ed25519(1));

        assertThat(store.keys("alice"))
                .extracting(UserKey::keyBase64)
                .containsExactly(
                        TestKeys.blob("ssh-ed25519", 9), TestKeys.blob("ssh-rsa", 3), TestKeys.blob("ssh-ed25519", 1));
    }

    @Test
    void keyForUnknownUserIsRefused() {
        assertThatThrownBy(() -> store.addUserKey("ghost", TestKeys.ed25519(1)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("no user 'ghost'");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "ssh-ed25519",
                "AAAAC3NzaC1lZDI1NTE5AAAAIA",
                "ssh-dss AAAAB3NzaC1kc3M=",
                "ssh-ed25519 !!!not-base64!!!",
                "ssh-ed25519 AAAA",
                "from=\"10.0.0.1\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"
            })
    void malformedKeyLineIsRefusedWithExample(String line) {
        store.addUser("alice", Role.USER);

        assertThatThrownBy(() -> store.addUserKey("alice", line))
                .isInstanceOf(StoreException.class)
                .hasMessage("not an OpenSSH public key line: expected e.g. 'ssh-ed25519 AAAA... comment'");
    }

    @Test
    void keyWhoseBlobIsOfAnotherTypeIsRefused() {
        store.addUser("alice", Role.USER);

        assertThatThrownBy(() -> store.addUserKey("alice", "ssh-rsa " + TestKeys.blob("ssh-ed25519", 1)))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("not an OpenSSH public key line");
    }

    @Test
    void twoKeysPastedAsOneLineAreRefused() {
        store.addUser("alice", Role.USER);

        assertThatThrownBy(() -> store.addUserKey("alice", TestKeys.ed25519(1) + "\n" + TestKeys.ed25519(2)))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("not an OpenSSH public key line");
        assertThat(store.keys("alice")).isEmpty();
    }

    @Test
    void everyOpenSshKeyTypeIsAccepted() {
        store.addUser("alice", Role.USER);
        int seed = 0;
        for (String type : PublicKeyLine.TYPES) {
            store.addUserKey("alice", TestKeys.line(type, seed++, "k"));
        }

        assertThat(store.keys("alice"))
                .extracting(UserKey::keyType)
                .containsExactlyInAnyOrderElementsOf(PublicKeyLine.TYPES);
    }

    @Test
    void removingUserRemovesTheirKeysAndGrants() {
        store.addUser("alice", Role.USER);
        store.addUserKey("alice", TestKeys.ed25519(1));
        store.grant("alice", "pi-*", "22");
        store.addUser("bob", Role.USER);
        store.grant("bob", "pi-*", "22");

        store.removeUser("alice");

        assertThat(store.user("alice")).isEmpty();
        assertThat(store.userForKey("ssh-ed25519", TestKeys.blob("ssh-ed25519", 1)))
                .isEmpty();
        assertThat(store.allGrants()).containsExactly(new Grant("bob", "pi-*", "22"));
        // The key is free again for someone else.
        store.addUserKey("bob", TestKeys.ed25519(1));
    }

    @Test
    void removingUnknownUserIsRefused() {
        assertThatThrownBy(() -> store.removeUser("ghost"))
                .isInstanceOf(StoreException.class)
                .hasMessage("no user 'ghost'");
    }

    @Test
    void ensureAdminCreatesAdminWithKeyAndIsIdempotent() {
        store.ensureAdmin("root", TestKeys.ed25519(1));
        store.ensureAdmin("root", TestKeys.ed25519(1));

        assertThat(store.users()).containsExactly(new User("root", Role.ADMIN));
        assertThat(store.keys("root")).hasSize(1);
    }

    @Test
    void ensureAdminPromotesExistingUserAndAddsMissingKey() {
        store.addUser("alice", Role.USER);
        store.addUserKey("alice", TestKeys.ed25519(1));

        store.ensureAdmin("alice", TestKeys.ed25519(2));

        assertThat(store.user("alice")).contains(new User("alice", Role.ADMIN));
        assertThat(store.keys("alice")).hasSize(2);
    }

    @Test
    void ensureAdminWithAnotherUsersKeyChangesNothing() {
        store.addUser("bob", Role.USER);
        store.addUserKey("bob", TestKeys.ed25519(1));

        assertThatThrownBy(() -> store.ensureAdmin("root", TestKeys.ed25519(1)))
                .isInstanceOf(StoreException.class)
                .hasMessage("this key already belongs to user 'bob'");
        // One transaction: the user it would have created is not left behind.
        assertThat(store.user("root")).isEmpty();
    }

    @Test
    void grantIsAnUpsertAndDefaultsToSsh() {
        store.addUser("alice", Role.USER);
        store.grant("alice", "pi-*", null);
        store.grant("alice", "cam-?", "80,443");

        assertThat(store.grants("alice"))
                .containsExactly(new Grant("alice", "cam-?", "80,443"), new Grant("alice", "pi-*", "22"));

        store.grant("alice", "pi-*", "*");

        assertThat(store.grants("alice"))
                .contains(new Grant("alice", "pi-*", "*"))
                .hasSize(2);
    }

    @Test
    void allGrantsAreListedByUserThenPattern() {
        store.addUser("bob", Role.USER);
        store.addUser("alice", Role.USER);
        store.grant("bob", "a", "22");
        store.grant("alice", "z", "22");
        store.grant("alice", "b", "22");

        assertThat(store.allGrants())
                .containsExactly(
                        new Grant("alice", "b", "22"), new Grant("alice", "z", "22"), new Grant("bob", "a", "22"));
    }

    @Test
    void grantForUnknownUserIsRefused() {
        assertThatThrownBy(() -> store.grant("ghost", "pi-*", "22"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("no user 'ghost'");
        assertThat(store.allGrants()).isEmpty();
    }

    @Test
    void grantWithInvalidPatternIsRefused() {
        store.addUser("alice", Role.USER);

        assertThatThrownBy(() -> store.grant("alice", "Pi_*", "22"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("invalid device pattern 'Pi_*'");
    }

    @Test
    void revokeReportsWhetherAGrantWasRemoved() {
        store.addUser("alice", Role.USER);
        store.grant("alice", "pi-*", "22");

        assertThat(store.revoke("alice", "pi-*")).isTrue();
        assertThat(store.revoke("alice", "pi-*")).isFalse();
        assertThat(store.grants("alice")).isEmpty();
    }

    @Test
    void removingAKeyTakesThatKeyAloneAndFreesItForAnotherUser() {
        store.addUser("alice", Role.USER);
        store.addUser("bob", Role.USER);
        store.addUserKey("alice", TestKeys.ed25519(1));
        store.addUserKey("alice", TestKeys.ed25519(2));
        store.grant("alice", "pi-*", "22");
        UserKey first = store.keys("alice").getFirst();

        store.removeUserKey("alice", first.fingerprint());

        assertThat(store.keys("alice")).extracting(UserKey::keyBase64).containsExactly(TestKeys.blob("ssh-ed25519", 2));
        assertThat(store.userForKey(first.keyType(), first.keyBase64())).isEmpty();
        assertThat(store.grants("alice")).hasSize(1);
        store.addUserKey("bob", TestKeys.ed25519(1));
        assertThat(store.userForKey(first.keyType(), first.keyBase64())).contains("bob");
    }

    @Test
    void removingAKeyNamesWhatIsMissing() {
        store.addUser("alice", Role.USER);
        store.addUserKey("alice", TestKeys.ed25519(1));
        UserKey key = store.keys("alice").getFirst();

        assertThatThrownBy(() -> store.removeUserKey("nobody", key.fingerprint()))
                .isInstanceOf(StoreException.class)
                .hasMessage("no user 'nobody'");
        assertThatThrownBy(() -> store.removeUserKey(
                        "alice", new UserKey("x", "ssh-ed25519", TestKeys.blob("ssh-ed25519", 9), null).fingerprint()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("user 'alice' has no key SHA256:");
        assertThat(store.keys("alice")).hasSize(1);
    }

    @Test
    void accessFactsReadTheSameWhetherOrNotTheDeviceExists() {
        store.addUser("alice", Role.USER);
        store.addUserKey("alice", TestKeys.ed25519(1));
        store.grant("alice", "pi-*", "22");
        store.enrollDevice(DeviceName.parse("vault"), Fingerprint.of(new byte[] {1}));
        store.setHostKeys(DeviceName.parse("vault"), List.of(TestKeys.ed25519(5)));
        UserKey key = store.keys("alice").getFirst();

        AccessFacts vault = store.accessFacts(key, DeviceName.parse("vault"));
        AccessFacts none = store.accessFacts(key, DeviceName.parse("nosuch"));

        assertThat(vault.keyOwner()).contains("alice");
        assertThat(vault.device())
                .hasValueSatisfying(d -> assertThat(d.hostKeys()).as("not read").isEmpty());
        assertThat(none.device()).isEmpty();
        assertThat(none.grants()).isEqualTo(vault.grants()).hasSize(1);
        assertThat(none.user()).isEqualTo(vault.user()).contains(new User("alice", Role.USER));
    }
}

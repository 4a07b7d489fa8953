package dev.jumpgate.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.relay.link.Links;
import dev.jumpgate.relay.store.FreshStore;
import dev.jumpgate.relay.store.Role;
import dev.jumpgate.relay.store.UserKey;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoginsTest extends FreshStore {

    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVr0mzDMVKSuzFYAmR7Tqh9nV1fNTVNn8fCyoeGZ9aH";

    Access access;
    UserKey alice;

    @BeforeEach
    void open() {
        access = new Access(store, new Links(store, Runnable::run));
        store.addUser("alice", Role.USER);
        store.addUserKey("alice", KEY);
        alice = store.keys("alice").getFirst();
        store.enrollDevice(DeviceName.parse("pi-kitchen"), Fingerprint.of(new byte[] {1}));
        store.enrollDevice(DeviceName.parse("db-1"), Fingerprint.of(new byte[] {2}));
        store.grant("alice", "pi-*", "22");
        store.grant("alice", "db-*", "5432");
    }

    @Test
    void aRevokedGrantEndsTheStreamsItAllowedAndNoOthers() {
        AtomicInteger loginEnded = new AtomicInteger();
        AtomicInteger piEnded = new AtomicInteger();
        AtomicInteger dbEnded = new AtomicInteger();
        Login login = access.logins().open(alice, loginEnded::incrementAndGet);
        login.open("pi-kitchen", 22, piEnded::incrementAndGet);
        login.open("db-1", 5432, dbEnded::incrementAndGet);

        store.revoke("alice", "pi-*");
        assertThat(access.logins().enforce()).isEqualTo(1);

        assertThat(piEnded).hasValue(1);
        assertThat(dbEnded).hasValue(0);
        assertThat(loginEnded).hasValue(0);
        assertThat(access.logins().enforce()).as("nothing more to end").isZero();
    }

    @Test
    void aGrantNarrowedToOtherPortsEndsTheStreamsOnTheOldOnes() {
        AtomicInteger ended = new AtomicInteger();
        access.logins().open(alice, () -> {}).open("db-1", 5432, ended::incrementAndGet);
        store.grant("alice", "db-*", "6432");
        access.logins().enforce();
        assertThat(ended).hasValue(1);
    }

    @Test
    void aKeyTakenAwayEndsItsLoginAndEveryStreamOfIt() {
        AtomicInteger loginEnded = new AtomicInteger();
        AtomicInteger streamEnded = new AtomicInteger();
        Login login = access.logins().open(alice, loginEnded::incrementAndGet);
        login.open("pi-kitchen", 22, streamEnded::incrementAndGet);

        store.removeUserKey("alice", alice.fingerprint());
        access.logins().enforce();

        assertThat(loginEnded).hasValue(1);
        assertThat(streamEnded).hasValue(1);
        assertThat(login.isClosed()).isTrue();
        assertThat(access.logins().size()).isZero();
    }

    @Test
    void aStreamLetGoOfIsNotEndedAgain() {
        AtomicInteger ended = new AtomicInteger();
        Runnable release = access.logins().open(alice, () -> {}).open("pi-kitchen", 22, ended::incrementAndGet);
        release.run();
        store.revoke("alice", "pi-*");
        access.logins().enforce();
        assertThat(ended).hasValue(0);
    }

    @Test
    void anAdminsStreamsOutliveTheGrantsTheyNeverNeeded() {
        store.addUser("root", Role.ADMIN);
        store.addUserKey("root", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH8xK0z6zOaP1aFq6ZyUq2Qh0r8Ih1m1m8Zx9v2b3c4d");
        AtomicInteger ended = new AtomicInteger();
        access.logins().open(store.keys("root").getFirst(), () -> {}).open("pi-kitchen", 22, ended::incrementAndGet);
        store.revoke("alice", "pi-*");
        access.logins().enforce();
        assertThat(ended).hasValue(0);
    }
}

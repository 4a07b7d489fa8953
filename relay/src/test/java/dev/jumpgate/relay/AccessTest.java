package dev.jumpgate.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.relay.link.Links;
import dev.jumpgate.relay.store.Role;
import dev.jumpgate.relay.store.Store;
import dev.jumpgate.relay.store.UserKey;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules of {@link Access#decide}. No device is linked here, so a request that passes every access check ends
 * in the one refusal that may pass by itself: "offline". Every other refusal is a denial.
 */
class AccessTest {

    private static final String ALICE_KEY =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVr0mzDMVKSuzFYAmR7Tqh9nV1fNTVNn8fCyoeGZ9aH";
    private static final String ROOT_KEY =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUm";

    @TempDir
    Path dir;

    Store store;
    Access access;
    Login alice;
    Login root;

    @BeforeEach
    void open() {
        store = Store.open(dir);
        access = new Access(store, new Links(store, Runnable::run));
        store.addUser("alice", Role.USER);
        store.addUserKey("alice", ALICE_KEY);
        store.addUser("root", Role.ADMIN);
        store.addUserKey("root", ROOT_KEY);
        for (String device : new String[] {"pi-kitchen", "pi-garage", "old-pi-kitchen", "db-1"}) {
            store.enrollDevice(DeviceName.parse(device), Fingerprint.of(device.getBytes()));
        }
        alice = access.logins().open(store.keys("alice").getFirst(), () -> {});
        root = access.logins().open(store.keys("root").getFirst(), () -> {});
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static void assertPasses(Access.Decision d) {
        assertThat(d)
                .isInstanceOfSatisfying(
                        Access.Decision.Refused.class,
                        r -> assertThat(r.offline())
                                .as("refused only for being offline: %s", r.reason())
                                .isTrue());
    }

    private static String denied(Access.Decision d) {
        assertThat(d).isInstanceOf(Access.Decision.Refused.class);
        Access.Decision.Refused r = (Access.Decision.Refused) d;
        assertThat(r.offline())
                .as("a denial, not an offline device: %s", r.reason())
                .isFalse();
        return r.reason();
    }

    @Test
    void aTargetThatIsNoDeviceNameIsRefusedEvenToAnAdminAsTheRelayIsNoOpenProxy() {
        for (String host : new String[] {"10.0.0.1", "example.com", "localhost.", "", "pi kitchen", "pi-kitchen:22"}) {
            assertThat(denied(access.decide(root, host, 22))).as(host).contains("not an open proxy");
        }
    }

    @Test
    void aDeviceNameInCapitalsIsTheSameDevice() {
        store.grant("alice", "pi-kitchen", "22");
        assertPasses(access.decide(alice, "PI-KITCHEN", 22));
    }

    @Test
    void aGrantedPatternGivesItsDevicesOnItsPorts() {
        store.grant("alice", "pi-*", "22,8080");
        assertPasses(access.decide(alice, "pi-kitchen", 22));
        assertPasses(access.decide(alice, "pi-garage", 8080));
    }

    @Test
    void aPortTheGrantDoesNotNameIsRefusedAndTheGrantedOnesAreNamed() {
        store.grant("alice", "pi-*", "22,8080");
        assertThat(denied(access.decide(alice, "pi-kitchen", 443)))
                .contains("port 443 is not granted")
                .contains("ports 22,8080");
    }

    @Test
    void aGrantWithoutPortsGivesSshOnly() {
        store.grant("alice", "pi-kitchen", null);
        assertPasses(access.decide(alice, "pi-kitchen", 22));
        denied(access.decide(alice, "pi-kitchen", 2222));
    }

    @Test
    void anyOfSeveralGrantsForTheDeviceMayAllowThePort() {
        store.grant("alice", "pi-*", "22");
        store.grant("alice", "pi-kitchen", "8080");
        assertPasses(access.decide(alice, "pi-kitchen", 8080));
        denied(access.decide(alice, "pi-garage", 8080));
    }

    @Test
    void aPatternMatchesWholeNamesOnly() {
        store.grant("alice", "pi-*", "*");
        denied(access.decide(alice, "old-pi-kitchen", 22));
        store.grant("alice", "pi-?arage", "*");
        assertPasses(access.decide(alice, "pi-garage", 22));
    }

    @Test
    void aDeviceWithoutAGrantGetsTheSameAnswerAsANameNobodyEnrolled() {
        store.grant("alice", "pi-*", "*");
        String notGranted = denied(access.decide(alice, "db-1", 22));
        String missing = denied(access.decide(alice, "db-2", 22));
        assertThat(notGranted.replace("db-1", "NAME")).isEqualTo(missing.replace("db-2", "NAME"));
    }

    @Test
    void aGrantForANameNotEnrolledGivesNothing() {
        store.grant("alice", "pi-*", "*");
        assertThat(denied(access.decide(alice, "pi-cellar", 22))).contains("no device 'pi-cellar'");
    }

    @Test
    void anAdminReachesEveryEnrolledDeviceOnEveryPortWithoutAGrant() {
        assertPasses(access.decide(root, "db-1", 5432));
        assertPasses(access.decide(root, "old-pi-kitchen", 1));
        assertThat(denied(access.decide(root, "db-2", 22))).contains("no device 'db-2'");
    }

    @Test
    void aRevokedGrantGivesNothingMore() {
        store.grant("alice", "pi-*", "22");
        assertPasses(access.decide(alice, "pi-kitchen", 22));
        store.revoke("alice", "pi-*");
        denied(access.decide(alice, "pi-kitchen", 22));
    }

    @Test
    void aKeyTakenFromItsUserGrantsNothingThoughTheGrantsStay() {
        store.grant("alice", "pi-*", "22");
        UserKey key = store.keys("alice").getFirst();
        store.removeUserKey("alice", key.fingerprint());
        assertThat(denied(access.decide(alice, "pi-kitchen", 22))).contains("is no longer a key of user 'alice'");
    }

    @Test
    void aKeyThatNowBelongsToAnotherUserGrantsTheFirstNothing() {
        store.grant("alice", "pi-*", "22");
        UserKey key = store.keys("alice").getFirst();
        store.removeUser("alice");
        store.addUser("bob", Role.ADMIN);
        store.addUserKey("bob", ALICE_KEY);
        assertThat(denied(access.decide(alice, "pi-kitchen", 22))).contains("no longer a key");
        assertThat(access.holds(key)).isFalse();
    }

    @Test
    void aLoginEndedByEnforcementGrantsNothingEvenWithItsKeyBack() {
        store.grant("alice", "pi-*", "22");
        UserKey key = store.keys("alice").getFirst();
        store.removeUserKey("alice", key.fingerprint());
        access.logins().enforce();
        assertThat(alice.isClosed()).isTrue();
        store.addUserKey("alice", ALICE_KEY);
        denied(access.decide(alice, "pi-kitchen", 22));
    }

    @Test
    void mayReachAndMaySeeFollowTheSameGrants() {
        store.grant("alice", "pi-*", "8080");
        DeviceName kitchen = DeviceName.parse("pi-kitchen");
        assertThat(access.mayReach("alice", kitchen, 8080)).isTrue();
        assertThat(access.mayReach("alice", kitchen, 22)).isFalse();
        assertThat(access.maySee("alice", kitchen))
                .as("a grant on any port shows the device")
                .isTrue();
        assertThat(access.maySee("alice", DeviceName.parse("db-1"))).isFalse();
        assertThat(access.mayReach("root", DeviceName.parse("db-1"), 65535)).isTrue();
        assertThat(access.maySee("nobody", kitchen)).isFalse();
    }
}

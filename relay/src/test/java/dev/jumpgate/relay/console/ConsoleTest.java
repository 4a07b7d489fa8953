package dev.jumpgate.relay.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.EnrollmentToken;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.relay.store.TokenCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleTest extends FreshConsole {

    static final String ALICE_KEY =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVr0mzDMVKSuzFYAmR7Tqh9nV1fNTVNn8fCyoeGZ9aH alice@laptop";

    @Test
    void tokenCreatePrintsOnlyATokenForThisRelayAndDevice() {
        Result r = console.run("root", "token create pi-kitchen --ttl 30m");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).endsWith("\n").doesNotContain(" ");
        EnrollmentToken t = EnrollmentToken.parse(r.out().strip());
        assertThat(t.device()).isEqualTo(new DeviceName("pi-kitchen"));
        assertThat(t.relay()).isEqualTo(RELAY);
        assertThat(t.relayPin()).isEqualTo(PIN);
        assertThat(Duration.between(Instant.now(), t.expires()))
                .isBetween(Duration.ofMinutes(29), Duration.ofMinutes(30));
    }

    @Test
    void badTtlIsRefusedWithTheFormToUse() {
        Result r = console.run("root", "token create pi --ttl forever");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("use e.g. 30m, 1h or 7d");
    }

    @Test
    void userAddTakesTheKeyWhetherQuotedOrNot() {
        // `ssh relay user add alice ssh-ed25519 AAAA... c` arrives without the quotes the user typed.
        assertThat(console.run("root", "user add alice " + ALICE_KEY).exit()).isZero();
        assertThat(store.userForKey("ssh-ed25519", ALICE_KEY.split(" ")[1])).contains("alice");
        assertThat(console.run("root", "user add bob '" + ALICE_KEY + "'").err())
                .contains("already belongs");
    }

    @Test
    void adminCommandsAreRefusedToUsers() {
        console.run("root", "user add alice '" + ALICE_KEY + "'");
        for (String cmd : List.of(
                "token create x", "user add eve k", "grant alice *", "revoke alice *", "users", "device rm x")) {
            Result r = console.run("alice", cmd);
            assertThat(r.exit()).as(cmd).isNotZero();
            assertThat(r.err()).as(cmd).contains("admin command");
        }
    }

    @Test
    void devicesListShowsOnlyGrantedDevicesToUsers() {
        console.run("root", "user add alice '" + ALICE_KEY + "'");
        store.enrollDevice(new DeviceName("pi-kitchen"), PIN);
        store.enrollDevice(new DeviceName("db-1"), Fingerprint.of(new byte[] {2}));
        console.run("root", "grant alice pi-*");
        String out = console.run("alice", "devices").out();
        assertThat(out).contains("pi-kitchen").contains("offline").doesNotContain("db-1");
        assertThat(console.run("root", "devices").out()).contains("pi-kitchen").contains("db-1");
    }

    @Test
    void tokenForAnEnrolledDeviceIsRefusedWithTheWayOut() {
        store.enrollDevice(new DeviceName("pi-kitchen"), PIN);
        Result r = console.run("root", "token create pi-kitchen");
        assertThat(r.err()).contains("already enrolled").contains("device rm pi-kitchen");
    }

    @Test
    void tokenCreateForSeveralDevicesPrintsOneRedeemableTokenPerDeviceALine() {
        Result r = console.run("root", "token create pi-1 pi-2 pi-3 --ttl 2h");
        assertThat(r.exit()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        for (int i = 0; i < 3; i++) {
            String[] deviceAndToken = lines.get(i).split(" ");
            DeviceName device = new DeviceName("pi-" + (i + 1));
            assertThat(deviceAndToken[0]).isEqualTo(device.value());
            EnrollmentToken t = EnrollmentToken.parse(deviceAndToken[1]);
            assertThat(t.device()).isEqualTo(device);
            assertThat(Duration.between(Instant.now(), t.expires()))
                    .isBetween(Duration.ofMinutes(119), Duration.ofHours(2));
            // Each is a token of its own, good once, for its device only.
            String hash = EnrollmentToken.secretHash(t.secret());
            Fingerprint key = Fingerprint.of(new byte[] {(byte) i});
            assertThat(store.redeemToken(hash, new DeviceName("pi-9"), key, Instant.now()))
                    .isEqualTo(TokenCheck.WRONG_DEVICE);
            assertThat(store.redeemToken(hash, device, key, Instant.now())).isEqualTo(TokenCheck.OK);
            Fingerprint other = Fingerprint.of(new byte[] {(byte) i, 1});
            assertThat(store.redeemToken(hash, device, other, Instant.now())).isEqualTo(TokenCheck.USED);
        }
    }

    @Test
    void tokenCreateMakesNoTokenWhenOneOfTheDevicesIsRefused() {
        store.enrollDevice(new DeviceName("pi-2"), PIN);
        for (String cmd : List.of(
                "token create pi-1 pi-2 pi-3",
                "token create pi-1 pi-1",
                "token create pi-1 -x",
                "token create pi-1 no_such_name")) {
            Result r = console.run("root", cmd);
            assertThat(r.exit()).as(cmd).isNotZero();
            assertThat(r.out()).as(cmd).isEmpty();
        }
        assertThat(console.run("root", "token create pi-1 pi-2").err()).contains("pi-2 is already enrolled");
        assertThat(console.run("root", "token create pi-1 pi-1").err()).contains("named twice");
    }

    @Test
    void tokenCreateRefusesMoreDevicesThanOneBatch() {
        StringBuilder cmd = new StringBuilder("token create");
        for (int i = 0; i <= Console.MAX_TOKENS; i++) {
            cmd.append(" d-").append(i);
        }
        Result r = console.run("root", cmd.toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("at most " + Console.MAX_TOKENS);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void unterminatedQuoteIsAUsageError() {
        Result r = console.run("root", "user add alice 'ssh-ed25519 AAAA");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("unterminated");
    }

    @Test
    void usersShowsEachKeysFingerprintAndUserKeyRmTakesOneKeyAway() {
        String second = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH8xK0z6zOaP1aFq6ZyUq2Qh0r8Ih1m1m8Zx9v2b3c4d alice@phone";
        console.run("root", "user add alice '" + ALICE_KEY + "'");
        console.run("root", "user key alice '" + second + "'");
        console.run("root", "grant alice pi-*");
        String laptop = store.keys("alice").getFirst().fingerprint().toString();
        String phone = store.keys("alice").get(1).fingerprint().toString();
        assertThat(console.run("root", "users").out())
                .contains("alice, 2 key(s)\n  " + laptop + " ssh-ed25519 alice@laptop\n  " + phone
                        + " ssh-ed25519 alice@phone\n");

        Result r = console.run("root", "user key rm alice " + laptop);

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(store.userForKey("ssh-ed25519", ALICE_KEY.split(" ")[1])).isEmpty();
        assertThat(store.keys("alice")).hasSize(1);
        assertThat(store.grants("alice")).hasSize(1);
        assertThat(console.run("root", "users").out()).doesNotContain(laptop).contains(phone);
    }

    @Test
    void userKeyRmOfAKeyTheUserDoesNotHaveSaysWhereToLook() {
        console.run("root", "user add alice '" + ALICE_KEY + "'");
        Result r = console.run("root", "user key rm alice SHA256:" + "A".repeat(43));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("user 'alice' has no key SHA256:").contains("`users` lists");
        assertThat(console.run("root", "user key rm alice MD5:aa").err()).contains("expected a fingerprint like");
        assertThat(console.run("root", "user key rm alice").exit()).isEqualTo(2);
        assertThat(store.keys("alice")).hasSize(1);
    }
}

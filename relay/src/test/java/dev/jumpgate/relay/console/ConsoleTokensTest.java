package dev.jumpgate.relay.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.EnrollmentToken;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.relay.store.Role;
import dev.jumpgate.relay.store.TokenCheck;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code token ls}, {@code token revoke} and what {@code device rm} does to tokens, as an admin types them. */
class ConsoleTokensTest extends FreshConsole {

    static final Fingerprint AGENT = Fingerprint.of(new byte[] {2});

    @BeforeEach
    void addAlice() {
        store.addUser("alice", Role.USER);
    }

    @Test
    void tokenLsShowsEachTokensDeviceAndStateButNeverItsSecret() {
        String pi = create("pi-kitchen");
        String cam = create("cam");
        redeem(cam, "cam");

        Result r = console.run("root", "token ls");

        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).matches("ID\\s+DEVICE\\s+CREATED\\s+EXPIRES\\s+USED");
        assertThat(lines).hasSize(3);
        assertThat(lines).anyMatch(l -> l.matches("[0-9a-f]{12}\\s+pi-kitchen\\s+\\S+Z\\s+\\S+Z\\s+no"));
        assertThat(lines).anyMatch(l -> l.matches("[0-9a-f]{12}\\s+cam\\s+\\S+Z\\s+\\S+Z\\s+\\S+Z"));
        for (String token : List.of(pi, cam)) {
            EnrollmentToken t = EnrollmentToken.parse(token);
            assertThat(r.out())
                    .doesNotContain(token.substring(5))
                    .doesNotContain(EnrollmentToken.secretHash(t.secret()).substring(7, 20));
        }
    }

    @Test
    void revokedTokenNoLongerEnrolls() {
        String token = create("pi-kitchen");
        String id = idOf("pi-kitchen");

        Result r = console.run("root", "token revoke " + id.substring(0, 6));

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("revoked token " + id + " for device pi-kitchen\n");
        assertThat(redeem(token, "pi-kitchen")).isEqualTo(TokenCheck.UNKNOWN);
        assertThat(console.run("root", "token ls").out()).doesNotContain(id);
    }

    @Test
    void revokeOfAnUnknownIdSaysWhereToFindThem() {
        create("pi-kitchen");

        Result r = console.run("root", "token revoke 0000000000");

        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).isEqualTo("no token with id '0000000000'; `token ls` lists them\n");
    }

    @Test
    void tokensAreAnAdminsToListAndRevoke() {
        String id = create("pi-kitchen").isEmpty() ? "" : idOf("pi-kitchen");

        assertThat(console.run("alice", "token ls").err()).contains("admin command");
        assertThat(console.run("alice", "token revoke " + id).err()).contains("admin command");
        assertThat(console.run("root", "token ls").out()).contains(id);
    }

    @Test
    void deviceRmTakesTheDevicesTokensWithIt() {
        String used = create("pi-kitchen");
        redeem(used, "pi-kitchen");
        // A second token issued before enrollment would otherwise enroll a new key once the device is gone.
        store.addToken(
                EnrollmentToken.secretHash(new byte[] {7}),
                new DeviceName("pi-kitchen"),
                Instant.now().plusSeconds(3600));

        assertThat(console.run("root", "device rm pi-kitchen").exit()).isZero();

        assertThat(console.run("root", "token ls").out()).doesNotContain("pi-kitchen");
        assertThat(store.redeemToken(
                        EnrollmentToken.secretHash(new byte[] {7}),
                        new DeviceName("pi-kitchen"),
                        Fingerprint.of(new byte[] {8}),
                        Instant.now()))
                .isEqualTo(TokenCheck.UNKNOWN);
    }

    private String create(String device) {
        Result r = console.run("root", "token create " + device);
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out().strip();
    }

    private TokenCheck redeem(String token, String device) {
        EnrollmentToken t = EnrollmentToken.parse(token);
        return store.redeemToken(EnrollmentToken.secretHash(t.secret()), new DeviceName(device), AGENT, Instant.now());
    }

    private String idOf(String device) {
        return console.run("root", "token ls")
                .out()
                .lines()
                .filter(l -> l.contains(" " + device + " "))
                .findFirst()
                .orElseThrow()
                .split("\\s+")[0];
    }
}

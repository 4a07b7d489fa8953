package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.EnrollmentToken;
import dev.jumpgate.transport.tls.TlsIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Everything the relay must refuse, each refusal with a reason the user can act on. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RefusalTest {

    Lab lab;

    @BeforeAll
    void start() throws Exception {
        lab = new Lab(Lab.workDir(getClass()));
        lab.addDevice("pi-kitchen");
        lab.console("admin", "user add alice '" + lab.pub("alice").strip() + "'");
        lab.addKey("bob");
        lab.console("admin", "user add bob '" + lab.pub("bob").strip() + "'");
    }

    @AfterAll
    void stop() throws Exception {
        lab.close();
    }

    /** {@code ssh -W HOST:PORT relay}: the relay forwards to enrolled devices only, never anywhere else. */
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:22", "localhost:22", "[::1]:22", "example.com:443", "10.0.0.1:80"})
    void relayIsNotAnOpenProxy(String target) throws Exception {
        String host = target.substring(0, target.lastIndexOf(':'));
        Ssh.Result r = forward(target);
        assertThat(r.exit()).isEqualTo(255);
        assertThat(r.err()).contains("administratively prohibited");
        if (!host.equals("localhost")) {
            assertThat(r.err()).contains("not an open proxy");
        }
    }

    @Test
    void relayDoesNotForwardToItsOwnPorts() throws Exception {
        Ssh.Result r = forward("127.0.0.1:" + lab.sshPort);
        assertThat(r.err()).contains("administratively prohibited");
        r = forward("127.0.0.1:" + lab.linkPort);
        assertThat(r.err()).contains("administratively prohibited");
    }

    @Test
    void unknownDeviceIsNamedInTheRefusal() throws Exception {
        Ssh.Result r = lab.ssh("admin", "nosuch", "true", null, Duration.ofSeconds(30));
        assertThat(r.exit()).isEqualTo(255);
        assertThat(r.err()).contains("no device 'nosuch' that you may reach; ssh relay lists yours");
    }

    /** What a user may not reach reads as if it did not exist: device names cannot be enumerated. */
    @Test
    void aDeviceTheUserMayNotReachIsRefusedAsIfItDidNotExist() throws Exception {
        Ssh.Result hidden = lab.ssh("bob", "pi-kitchen", "true", null, Duration.ofSeconds(30));
        Ssh.Result unknown = lab.ssh("bob", "pi-pantry", "true", null, Duration.ofSeconds(30));
        assertThat(hidden.err()).contains("no device 'pi-kitchen' that you may reach; ssh relay lists yours");
        assertThat(unknown.err()).contains("no device 'pi-pantry' that you may reach; ssh relay lists yours");
        assertThat(hidden.err().replace("pi-kitchen", "X"))
                .isEqualTo(unknown.err().replace("pi-pantry", "X"));
    }

    @Test
    void userWithoutGrantIsRefusedUntilGrantedAndAgainAfterRevoke() throws Exception {
        Ssh.Result r = lab.ssh("alice", "pi-kitchen", "echo in", null, Duration.ofSeconds(30));
        assertThat(r.exit()).isEqualTo(255);
        assertThat(r.err()).contains("no device 'pi-kitchen' that you may reach; ssh relay lists yours");
        assertThat(lab.console("alice", "devices").out()).doesNotContain("pi-kitchen");

        assertThat(lab.console("admin", "grant alice pi-*").exit()).isZero();
        assertThat(lab.ssh("alice", "pi-kitchen", "echo in", null, Duration.ofSeconds(30))
                        .out())
                .isEqualTo("in\n");
        assertThat(lab.console("alice", "devices").out()).contains("pi-kitchen");

        assertThat(lab.console("admin", "revoke alice pi-*").exit()).isZero();
        r = lab.ssh("alice", "pi-kitchen", "echo in", null, Duration.ofSeconds(30));
        assertThat(r.err()).contains("no device 'pi-kitchen' that you may reach");
    }

    @Test
    void nonAdminCannotManage() throws Exception {
        Ssh.Result r = lab.console("alice", "token create evil");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("admin command");
    }

    @Test
    void unknownKeyCannotLogIn() throws Exception {
        Ssh.Result r = lab.console("mallory", "devices");
        assertThat(r.exit()).isEqualTo(255);
        assertThat(r.err()).contains("Permission denied (publickey)");
        r = lab.ssh("mallory", "pi-kitchen", "true", null, Duration.ofSeconds(30));
        assertThat(r.exit()).isEqualTo(255);
    }

    @Test
    void offlineDeviceSaysSoAndWhenItWasLastSeen() throws Exception {
        Proc enrolled = lab.enroll("cellar", lab.token("cellar"));
        assertThat(enrolled.awaitExit(Lab.START)).isZero();
        Ssh.Result r = lab.ssh("admin", "cellar", "true", null, Duration.ofSeconds(30));
        assertThat(r.exit()).isEqualTo(255);
        assertThat(r.err()).contains("device cellar is offline, last seen");
    }

    @Test
    void tokenIsSingleUse() throws Exception {
        String token = lab.token("garage");
        assertThat(lab.enroll("garage", token).awaitExit(Lab.START)).isZero();
        Proc again = lab.enroll("garage-2", token);
        assertThat(again.awaitExit(Lab.START)).isNotZero();
        assertThat(again.stderr()).contains("already used").contains("device rm");
    }

    @Test
    void expiredTokenIsRefused() throws Exception {
        String token = lab.token("attic", "--ttl", "1s");
        Instant expires = EnrollmentToken.parse(token).expires();
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> Instant.now().isAfter(expires));
        Proc p = lab.enroll("attic", token);
        assertThat(p.awaitExit(Lab.START)).isNotZero();
        assertThat(p.stderr()).contains("expired");
    }

    @Test
    void tokenForEnrolledDeviceIsNotIssued() throws Exception {
        Ssh.Result r = lab.console("admin", "token create pi-kitchen");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("already enrolled");
    }

    /** Another machine copies a device's name and relay pin but not its private key: the relay says no. */
    @Test
    void agentWithAnotherKeyCannotImpersonateAnEnrolledDevice() throws Exception {
        Path real = lab.agentState("pi-kitchen");
        Path fake = lab.dir.resolve("agents").resolve("impostor");
        Files.createDirectories(
                fake, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.copy(real.resolve("agent.properties"), fake.resolve("agent.properties"));
        TlsIdentity.generate("impostor").save(fake.resolve("agent.key"), fake.resolve("agent.crt"));
        Proc impostor = Proc.jumpgate(
                lab.dir.resolve("logs"),
                "impostor",
                "agent",
                "run",
                "--state",
                fake.toString(),
                "--target",
                lab.sshd.address().toString());
        assertThat(impostor.awaitExit(Lab.START)).isEqualTo(3);
        assertThat(impostor.stderr()).contains("enrolled with another key");
        // ... and the real device stays online and reachable.
        assertThat(lab.ssh("admin", "pi-kitchen", "echo still", null, Duration.ofSeconds(30))
                        .out())
                .isEqualTo("still\n");
    }

    private Ssh.Result forward(String target) throws Exception {
        return Ssh.run(
                List.of("ssh", "-F", lab.config().toString(), "-W", target, "relay-admin"),
                new byte[0],
                Duration.ofSeconds(30));
    }
}

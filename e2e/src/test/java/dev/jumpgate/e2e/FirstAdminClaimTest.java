package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A relay started without {@code --admin-key}, claimed the way its log says, with the real OpenSSH client: the
 * token file proves who may claim, the claim makes that key the admin's, and it works once.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FirstAdminClaimTest {

    @Test
    void relayWithoutAdminKeyIsClaimedOnceWithTheTokenFromItsDataDirectory() throws Exception {
        Path dir = Lab.workDir(getClass());
        Path data = dir.resolve("relay");
        Path logs = dir.resolve("logs");
        List<String> firstArgs =
                List.of("relay", "--data", data.toString(), "--ssh-listen", "127.0.0.1:0", "--listen", "127.0.0.1:0");
        Path claimant = key(dir, "claimant");
        Path other = key(dir, "other");
        Path token = data.resolve("first-admin");

        // As the lab does: a host key from ssh-keygen, not one the relay's JVM takes many seconds to make.
        Files.createDirectories(
                data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Lab.seedRsaHostKey(data, "ssh_host_rsa_key");
        String secret;
        int sshPort;
        List<String> relayArgs;
        try (Proc relay = Proc.jumpgate(logs, "relay-0", firstArgs.toArray(String[]::new))) {
            Matcher ready = Lab.awaitReady(relay);
            sshPort = Integer.parseInt(ready.group(1));
            // Restarted on the ports it got, as the known_hosts and config written below name them.
            relayArgs = List.of(
                    "relay",
                    "--data",
                    data.toString(),
                    "--ssh-listen",
                    "127.0.0.1:" + sshPort,
                    "--listen",
                    "127.0.0.1:" + ready.group(2));
            relay.awaitLog(
                    "claim it with any SSH key: ssh -p " + sshPort + " first-admin@127.0.0.1 claim < "
                            + Pattern.quote(token.toString()),
                    Lab.START);
            secret = Files.readString(token).strip();
            writeConfig(dir, sshPort, claimant, other);

            Ssh.Result before = ssh(dir, "relay-admin", "users", null);
            assertThat(before.exit()).as("no admin before the claim").isNotZero();
            assertThat(before.err()).contains("Permission denied");

            Ssh.Result console = ssh(dir, "relay-claim", "devices", null);
            assertThat(console.exit()).isNotZero();
            assertThat(console.err()).contains("first-admin may only claim this relay");
            Ssh.Result channel = Ssh.run(
                    List.of("ssh", "-F", config(dir).toString(), "-W", "pi:22", "relay-claim"),
                    new byte[0],
                    Duration.ofSeconds(30));
            assertThat(channel.exit())
                    .as("first-admin opens no channel to a device")
                    .isNotZero();
            assertThat(channel.err()).contains("unknown channel type");

            Ssh.Result wrong = ssh(dir, "relay-claim", "claim", "not-the-token\n");
            assertThat(wrong.exit()).isNotZero();
            assertThat(wrong.err()).contains("that is not the token in " + token);

            Ssh.Result claim = ssh(dir, "relay-claim", "claim", secret + "\n");
            assertThat(claim.exit()).as(claim.err()).isZero();
            assertThat(token).doesNotExist();

            Ssh.Result users = ssh(dir, "relay-admin", "users", null);
            assertThat(users.exit()).as(users.err()).isZero();
            assertThat(users.out()).startsWith("admin (admin), 1 key(s)");

            Ssh.Result again = ssh(dir, "relay-other-claim", "claim", secret + "\n");
            assertThat(again.exit()).as("a second claim").isNotZero();
            assertThat(again.err()).contains("Permission denied");
            assertThat(relay.stdout() + relay.stderr()).doesNotContain(secret);
        }

        try (Proc restarted = Proc.jumpgate(logs, "relay-1", relayArgs.toArray(String[]::new))) {
            restarted.awaitOutput("jumpgate relay ready", Lab.START);
            assertThat(token).doesNotExist();
            assertThat(restarted.stderr()).doesNotContain("first-admin");
            assertThat(ssh(dir, "relay-admin", "whoami", null).out()).isEqualTo("admin (admin)\n");
        }
    }

    private static Path key(Path dir, String name) throws Exception {
        Path key = dir.resolve("keys").resolve(name);
        Files.createDirectories(key.getParent());
        Lab.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString()));
        return key;
    }

    private static Path config(Path dir) {
        return dir.resolve("ssh_config");
    }

    /** The relay's host key from ssh-keyscan (the test trusts the relay it started), checked strictly from then on. */
    private static void writeConfig(Path dir, int sshPort, Path claimant, Path other) throws Exception {
        Ssh.Result scan = Ssh.run(
                List.of("ssh-keyscan", "-p", String.valueOf(sshPort), "127.0.0.1"), null, Duration.ofSeconds(10));
        StringBuilder known = new StringBuilder();
        scan.out()
                .lines()
                .filter(l -> !l.startsWith("#") && !l.isBlank())
                .forEach(l -> known.append("jumpgate-relay ")
                        .append(l.substring(l.indexOf(' ') + 1))
                        .append('\n'));
        Files.writeString(dir.resolve("known_hosts"), known);
        StringBuilder s = new StringBuilder();
        for (String[] host : List.of(
                new String[] {"relay-claim", "first-admin", claimant.toString()},
                new String[] {"relay-admin", "admin", claimant.toString()},
                new String[] {"relay-other-claim", "first-admin", other.toString()})) {
            s.append("""
                    Host %s
                      HostName 127.0.0.1
                      Port %d
                      User %s
                      IdentityFile %s
                    """.formatted(host[0], sshPort, host[1], host[2]));
        }
        s.append("""
                Host *
                  HostKeyAlias jumpgate-relay
                  IdentitiesOnly yes
                  UserKnownHostsFile %s
                  StrictHostKeyChecking yes
                  BatchMode yes
                  ConnectTimeout 15
                """.formatted(dir.resolve("known_hosts")));
        Files.writeString(config(dir), s.toString());
    }

    private static Ssh.Result ssh(Path dir, String host, String command, String stdin) throws Exception {
        return Ssh.run(
                List.of("ssh", "-F", config(dir).toString(), host, command),
                stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(30));
    }
}

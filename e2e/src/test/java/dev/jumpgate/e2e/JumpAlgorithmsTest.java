package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.SshAlgorithms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stock OpenSSH through the relay to a device served by the agent's embedded server, once per cipher, MAC and host
 * key algorithm. Each is set in the ssh_config Host blocks of both hops ({@code -J} passes no {@code -c}, {@code -m}
 * or {@code -o} to the jump), so every run pins what the relay and the embedded server negotiate; {@code ssh -vv}
 * says what each leg took.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JumpAlgorithmsTest {

    static final String USER = System.getProperty("user.name");

    Lab lab;
    Path knownHosts;

    @BeforeAll
    void start() throws Exception {
        Path tmp = Lab.workDir(getClass());
        lab = new Lab(tmp);
        lab.addEmbeddedDevice("box");
        // Every host key of both servers: the relay's as it prints them at start, the device's as the relay has them.
        String relayKeys = lab.relay()
                .stdout()
                .lines()
                .filter(l -> l.startsWith("[127.0.0.1]:" + lab.sshPort + " "))
                .map(l -> "jumpgate-relay " + l.substring(l.indexOf(' ') + 1))
                .collect(Collectors.joining("\n"));
        assertThat(relayKeys.lines()).hasSize(3);
        knownHosts = Files.writeString(
                tmp.resolve("known_hosts_all"),
                relayKeys + "\n" + lab.console("admin", "known-hosts").out());
        assertThat(Files.readString(knownHosts))
                .contains("box ssh-rsa ", "box ecdsa-sha2-nistp256 ", "box ssh-ed25519 ");
    }

    @AfterAll
    void stop() throws Exception {
        lab.close();
    }

    static List<String> ciphers() {
        return SshAlgorithms.CIPHERS;
    }

    static List<String> macs() {
        return SshAlgorithms.MACS;
    }

    static List<String> hostKeys() {
        return List.of("ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256");
    }

    @ParameterizedTest
    @MethodSource("ciphers")
    void everyCipherSshdOffersIsNegotiatedByBothServers(String cipher) throws Exception {
        Legs legs = jump("Ciphers " + cipher);
        assertThat(legs.relay().cipher()).isEqualTo(cipher);
        assertThat(legs.device().cipher()).isEqualTo(cipher);
    }

    @ParameterizedTest
    @MethodSource("macs")
    void everyMacSshdOffersIsNegotiatedByBothServers(String mac) throws Exception {
        Legs legs = jump("Ciphers aes128-ctr\n  MACs " + mac); // an AEAD cipher would need no MAC
        assertThat(legs.relay().mac()).isEqualTo(mac);
        assertThat(legs.device().mac()).isEqualTo(mac);
    }

    @ParameterizedTest
    @MethodSource("hostKeys")
    void everyHostKeyTypeIsPresentedByBothServers(String algorithm) throws Exception {
        Legs legs = jump("HostKeyAlgorithms " + algorithm);
        assertThat(legs.relay().hostKey()).isEqualTo(algorithm);
        assertThat(legs.device().hostKey()).isEqualTo(algorithm);
    }

    /**
     * A default OpenSSH client lists chacha20-poly1305 first, which MINA runs at half its AES speed: it still ends on
     * AES-GCM at the relay and on AES-CTR at the embedded server, the fastest of each (docs/BENCHMARKS.md).
     */
    @Test
    void aDefaultOpenSshClientEndsOnEachServersFastestCipher() throws Exception {
        Legs legs = jump("");
        assertThat(legs.relay().cipher()).isEqualTo("aes128-gcm@openssh.com");
        assertThat(legs.device().cipher()).isEqualTo("aes128-ctr");
    }

    /**
     * A client that asks for compression gets none from the relay, which carries ciphertext, and zlib@openssh.com
     * from the embedded server, as from sshd: started only after login, and the session works with it.
     */
    @Test
    void compressionIsNeverOnTheRelayAndOnlyAfterLoginOnTheEmbeddedServer() throws Exception {
        Legs legs = jump("Compression yes");
        assertThat(legs.relay().compression()).isEqualTo("none");
        assertThat(legs.device().compression()).isEqualTo("zlib@openssh.com");
    }

    record Leg(String cipher, String mac, String compression, String hostKey) {}

    record Legs(Leg relay, Leg device) {}

    /** {@code ssh -vv -F CONFIG box true}, {@code setting} in the Host blocks of the relay and of the device. */
    Legs jump(String setting) throws Exception {
        Path config = Files.writeString(lab.dir.resolve("ssh_config_algorithms"), """
                Host relay
                  HostName 127.0.0.1
                  Port %d
                  User admin
                  HostKeyAlias jumpgate-relay
                  %s
                Host box
                  User %s
                  ProxyJump relay
                  %s
                Host *
                  IdentityFile %s
                  IdentitiesOnly yes
                  UserKnownHostsFile %s
                  StrictHostKeyChecking yes
                  BatchMode yes
                  ConnectTimeout 15
                """.formatted(
                        lab.sshPort, setting, USER, setting, lab.key("admin"), knownHosts));
        Ssh.Result r =
                Ssh.run(List.of("ssh", "-vv", "-F", config.toString(), "box", "true"), null, Duration.ofSeconds(60));
        assertThat(r.exit()).as(r.err()).isZero();
        // The jump's ssh logs to the same stderr: its part runs from its "Authenticating to" to the device's.
        String err = r.err();
        int relayStart = err.indexOf("debug1: Authenticating to 127.0.0.1:" + lab.sshPort + " ");
        int deviceStart = err.indexOf("debug1: Authenticating to box:22 ");
        assertThat(relayStart).as(err).isNotNegative().isLessThan(deviceStart);
        return new Legs(leg(err.substring(relayStart, deviceStart)), leg(err.substring(deviceStart)));
    }

    static Leg leg(String log) {
        Matcher kex = Pattern.compile("debug1: kex: client->server cipher: (\\S+) MAC: (\\S+) compression: (\\S+)")
                .matcher(log);
        Matcher hostKey =
                Pattern.compile("debug1: kex: host key algorithm: (\\S+)").matcher(log);
        assertThat(kex.find()).as(log).isTrue();
        assertThat(hostKey.find()).as(log).isTrue();
        return new Leg(kex.group(1), kex.group(2), kex.group(3), hostKey.group(1));
    }
}

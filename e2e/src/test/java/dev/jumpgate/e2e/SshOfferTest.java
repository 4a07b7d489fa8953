package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.agent.embedded.EmbeddedServer;
import dev.jumpgate.agent.embedded.EmbeddedSettings;
import dev.jumpgate.agent.embedded.EnvAllowList;
import dev.jumpgate.agent.embedded.ForwardingPolicy;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.relay.Relay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the relay's bastion and the agent's embedded server offer in their KEXINIT, against what the installed
 * OpenSSH sshd offers with its default settings ({@code sshd -T}): every difference must be one docs/SECURITY.md
 * lists with its reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SshOfferTest {

    /**
     * The differences from sshd's defaults, {@code LIST +ALGORITHM} (we offer it, sshd does not) or {@code -} (sshd
     * does, we do not), with their reasons. This mirrors the table under "Algorithms" in docs/SECURITY.md: change
     * both together.
     */
    static final Map<String, String> DIFFERENCES = Map.ofEntries(
            Map.entry("kex +mlkem768x25519-sha256", "post-quantum hybrid that OpenSSH 9.9 and later offer"),
            Map.entry("mac -umac-64-etm@openssh.com", "MINA SSHD implements no UMAC"),
            Map.entry("mac -umac-128-etm@openssh.com", "MINA SSHD implements no UMAC"),
            Map.entry("mac -umac-64@openssh.com", "MINA SSHD implements no UMAC"),
            Map.entry("mac -umac-128@openssh.com", "MINA SSHD implements no UMAC"),
            Map.entry("hostkey -ssh-ed25519-cert-v01@openssh.com", "no host certificate (sshd: HostCertificate)"),
            Map.entry("hostkey -ecdsa-sha2-nistp256-cert-v01@openssh.com", "no host certificate"),
            Map.entry("hostkey -ecdsa-sha2-nistp384-cert-v01@openssh.com", "no host certificate"),
            Map.entry("hostkey -ecdsa-sha2-nistp521-cert-v01@openssh.com", "no host certificate"),
            Map.entry("hostkey -sk-ssh-ed25519-cert-v01@openssh.com", "no host certificate"),
            Map.entry("hostkey -sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", "no host certificate"),
            Map.entry("hostkey -rsa-sha2-512-cert-v01@openssh.com", "no host certificate"),
            Map.entry("hostkey -rsa-sha2-256-cert-v01@openssh.com", "no host certificate"),
            Map.entry("hostkey -ecdsa-sha2-nistp384", "no such host key, as sshd with the keys ssh-keygen -A makes"),
            Map.entry("hostkey -ecdsa-sha2-nistp521", "no such host key, as sshd with the keys ssh-keygen -A makes"),
            Map.entry("hostkey -sk-ssh-ed25519@openssh.com", "no such host key (a FIDO key at the server)"),
            Map.entry("hostkey -sk-ecdsa-sha2-nistp256@openssh.com", "no such host key (a FIDO key at the server)"));

    /** The relay's own: it carries bytes the inner session has already encrypted. */
    static final Map<String, String> RELAY_DIFFERENCES =
            Map.of("compression -zlib@openssh.com", "compressing ciphertext only costs the relay CPU");

    /** Not algorithms: RFC 8308's and OpenSSH's strict-KEX markers, which sshd -T does not list either. */
    static final Set<String> MARKERS = Set.of("ext-info-s", "kex-strict-s-v00@openssh.com");

    static final List<String> OPENSSH_CIPHERS = List.of(
            "chacha20-poly1305@openssh.com",
            "aes128-ctr",
            "aes192-ctr",
            "aes256-ctr",
            "aes128-gcm@openssh.com",
            "aes256-gcm@openssh.com");
    static final String OPENSSH = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10";
    static final String PUTTY = "SSH-2.0-PuTTY_Release_0.78";

    Path dir;
    Relay relay;
    EmbeddedServer embedded;
    Map<String, List<String>> sshd;
    Process sshdProcess;
    int sshdPort;

    @BeforeAll
    void start() throws Exception {
        dir = Lab.workDir(getClass());
        Path data = Files.createDirectories(
                dir.resolve("relay"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Lab.seedRsaHostKey(data, "ssh_host_rsa_key");
        Path agent = Files.createDirectories(dir.resolve("agent"));
        Lab.seedRsaHostKey(agent, "ssh_host_rsa_key");
        relay = Relay.start(new Relay.Config(
                data,
                HostPort.parse("127.0.0.1:0"),
                HostPort.parse("127.0.0.1:0"),
                Optional.empty(),
                Optional.empty()));
        embedded = EmbeddedServer.start(new EmbeddedSettings(
                agent,
                List.of(),
                ForwardingPolicy.none(),
                EnvAllowList.defaults(),
                EmbeddedSettings.DEFAULT_KEEPALIVE));
        Path sshdDir = Files.createDirectories(dir.resolve("sshd"));
        StringBuilder hostKeys = new StringBuilder();
        for (String type : List.of("rsa", "ecdsa", "ed25519")) { // what ssh-keygen -A makes
            Path key = sshdDir.resolve("ssh_host_" + type + "_key");
            if (!Files.exists(key)) {
                Lab.run(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-f", key.toString()));
            }
            hostKeys.append("HostKey ").append(key).append('\n');
        }
        sshd = sshdDefaults(sshdDir, hostKeys.toString());
        sshdPort = Lab.onFreePort(port -> startSshd(sshdDir, hostKeys.toString(), port));
    }

    /**
     * Starts sshd on {@code port} and waits for it to say it listens: sshd cannot bind port 0 and say which port it
     * got, so when another process took the port first it exits, and {@link Lab#onFreePort} tries another.
     */
    private int startSshd(Path sshdDir, String hostKeys, int port) throws Exception {
        Path config = Files.writeString(
                sshdDir.resolve("sshd_config_running"),
                hostKeys + "Port " + port + "\nListenAddress 127.0.0.1\nPidFile " + sshdDir.resolve("sshd.pid")
                        + "\nUsePAM no\n");
        Path log = sshdDir.resolve("sshd.log");
        Process p = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        String listening = "Server listening on 127.0.0.1 port " + port + ".";
        Awaitility.await("sshd listens on port " + port)
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> !p.isAlive() || Files.readString(log).contains(listening));
        if (p.isAlive()) {
            sshdProcess = p;
            return port;
        }
        String said = Files.readString(log).strip();
        if (said.contains("Address already in use")) {
            throw new Lab.PortTaken("sshd on port " + port + ": " + said);
        }
        throw new AssertionError("sshd exited: " + said);
    }

    @AfterAll
    void stop() {
        if (sshdProcess != null) {
            sshdProcess.destroy();
        }
        if (embedded != null) {
            embedded.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    /** {@code sshd -T} of the installed OpenSSH with nothing but host keys configured: its defaults. */
    static Map<String, List<String>> sshdDefaults(Path dir, String hostKeys) throws Exception {
        Files.createDirectories(Path.of("/run/sshd")); // sshd -T checks for its privilege separation directory
        Path config = Files.writeString(dir.resolve("sshd_config"), hostKeys);
        Ssh.Result t = Ssh.run(List.of("/usr/sbin/sshd", "-T", "-f", config.toString()), null, Duration.ofSeconds(30));
        assertThat(t.exit()).as(t.err()).isZero();
        Map<String, String> settings = new HashMap<>();
        t.out()
                .lines()
                .map(l -> l.split(" ", 2))
                .filter(kv -> kv.length == 2)
                .forEach(kv -> settings.put(kv[0], kv[1]));
        return Map.of(
                "kex",
                List.of(settings.get("kexalgorithms").split(",")),
                "cipher",
                List.of(settings.get("ciphers").split(",")),
                "mac",
                List.of(settings.get("macs").split(",")),
                "hostkey",
                List.of(settings.get("hostkeyalgorithms").split(",")),
                "compression",
                settings.get("compression").equals("no") ? List.of("none") : List.of("none", "zlib@openssh.com"));
    }

    /** Every difference between {@code offer} and sshd's, as {@link #DIFFERENCES} writes them. */
    List<String> differences(KexInit offer) {
        List<String> found = new ArrayList<>();
        Map<String, List<String>> ours = Map.of(
                "kex",
                offer.get("kex"),
                "cipher",
                offer.get("cipher.c2s"),
                "mac",
                offer.get("mac.c2s"),
                "hostkey",
                offer.get("hostkey"),
                "compression",
                offer.get("compression.c2s"));
        for (String list : ours.keySet()) {
            Set<String> offered = new LinkedHashSet<>(ours.get(list));
            offered.removeAll(MARKERS);
            offered.stream().filter(a -> !sshd.get(list).contains(a)).forEach(a -> found.add(list + " +" + a));
            sshd.get(list).stream().filter(a -> !offered.contains(a)).forEach(a -> found.add(list + " -" + a));
        }
        assertThat(offer.get("cipher.s2c")).isEqualTo(offer.get("cipher.c2s"));
        assertThat(offer.get("mac.s2c")).isEqualTo(offer.get("mac.c2s"));
        assertThat(offer.get("compression.s2c")).isEqualTo(offer.get("compression.c2s"));
        return found;
    }

    @Test
    void theRelayOffersWhatSshdOffersSaveTheDocumentedDifferences() throws Exception {
        List<String> found = differences(KexInit.offer(relay.sshAddress().port(), PUTTY));
        Map<String, String> documented = new HashMap<>(DIFFERENCES);
        documented.putAll(RELAY_DIFFERENCES);
        assertThat(found)
                .as("differences from sshd -T not listed in docs/SECURITY.md")
                .isSubsetOf(documented.keySet());
    }

    @Test
    void theEmbeddedServerOffersWhatSshdOffersSaveTheDocumentedDifferences() throws Exception {
        List<String> found = differences(KexInit.offer(embedded.address().port(), PUTTY));
        assertThat(found)
                .as("differences from sshd -T not listed in docs/SECURITY.md")
                .isSubsetOf(DIFFERENCES.keySet());
    }

    @Test
    void neitherServerNamesItsLibraryOrVersion() throws Exception {
        assertThat(KexInit.offer(relay.sshAddress().port(), PUTTY).identification())
                .isEqualTo("SSH-2.0-jumpgate");
        assertThat(KexInit.offer(embedded.address().port(), PUTTY).identification())
                .isEqualTo("SSH-2.0-jumpgate");
    }

    @Test
    void theRelayNeverCompressesAndTheEmbeddedServerOnlyAfterLogin() throws Exception {
        assertThat(KexInit.offer(relay.sshAddress().port(), PUTTY).get("compression.c2s"))
                .containsExactly("none");
        assertThat(KexInit.offer(embedded.address().port(), PUTTY).get("compression.c2s"))
                .containsExactly("none", "zlib@openssh.com");
    }

    /** OpenSSH takes the first of its own ciphers the server offers, chacha20 first: the relay offers AES-GCM only. */
    @Test
    void anOpenSshClientThatListsAesGcmIsOfferedOnlyAesGcmByTheRelay() throws Exception {
        KexInit offer = KexInit.offer(relay.sshAddress().port(), OPENSSH, OPENSSH_CIPHERS);
        assertThat(offer.get("cipher.c2s")).containsExactly("aes128-gcm@openssh.com", "aes256-gcm@openssh.com");
        assertThat(offer.get("cipher.s2c")).containsExactly("aes128-gcm@openssh.com", "aes256-gcm@openssh.com");
    }

    @Test
    void anOpenSshClientWithoutAesGcmIsOfferedEverythingSshdOffers() throws Exception {
        for (List<String> ciphers : List.of(List.of("chacha20-poly1305@openssh.com"), List.of("aes128-ctr"))) {
            KexInit offer = KexInit.offer(relay.sshAddress().port(), OPENSSH, ciphers);
            assertThat(offer.get("cipher.c2s")).as("%s", ciphers).isEqualTo(sshd.get("cipher"));
        }
    }

    @Test
    void theEmbeddedServerOffersAnOpenSshClientWithAesNoChacha20() throws Exception {
        KexInit offer = KexInit.offer(embedded.address().port(), OPENSSH, OPENSSH_CIPHERS);
        assertThat(offer.get("cipher.c2s"))
                .containsExactly(
                        "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com");
        KexInit chachaOnly =
                KexInit.offer(embedded.address().port(), OPENSSH, List.of("chacha20-poly1305@openssh.com"));
        assertThat(chachaOnly.get("cipher.c2s")).contains("chacha20-poly1305@openssh.com");
    }

    /**
     * ssh-audit, a scanner many administrators run, finds nothing to fail or warn about at either server that it does
     * not find at sshd with its default settings, save algorithms it does not know.
     */
    @Test
    void sshAuditFindsNothingAtEitherServerThatItDoesNotFindAtSshd() throws Exception {
        Set<String> atSshd = audit(sshdPort);
        assertThat(atSshd).as("ssh-audit's findings at sshd").isNotEmpty();
        for (int port : List.of(relay.sshAddress().port(), embedded.address().port())) {
            Set<String> found = audit(port);
            found.removeIf(f -> f.endsWith("[warn] unknown algorithm"));
            assertThat(found)
                    .as("ssh-audit's findings at port %d beyond sshd's", port)
                    .isSubsetOf(atSshd);
        }
    }

    /** ssh-audit's [fail] and [warn] lines ({@code (mac) hmac-sha1 -- [warn] using weak hashing algorithm}), CVEs. */
    static Set<String> audit(int port) throws Exception {
        Ssh.Result r = Ssh.run(
                List.of("ssh-audit", "-b", "-n", "-p", String.valueOf(port), "127.0.0.1"),
                null,
                Duration.ofSeconds(60));
        assertThat(r.out())
                .as("ssh-audit (Debian: apt-get install ssh-audit): %s", r.err())
                .contains("(gen) banner");
        // "(key) rsa-sha2-512 (3072-bit) -- [info] ..." names a key's size before the "--"; CVEs have no level.
        return r.out()
                .lines()
                .filter(l -> l.matches("\\(\\w+\\) .* -- \\[(fail|warn)\\] .*") || l.startsWith("(cve)"))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** A client that waits for the server's KEXINIT before sending its own must get one: only OpenSSH is waited for. */
    @Test
    void anyOtherClientGetsTheWholeOfferWithoutSendingItsOwnFirst() throws Exception {
        assertThat(KexInit.offer(relay.sshAddress().port(), PUTTY).get("cipher.c2s"))
                .isEqualTo(sshd.get("cipher"));
        assertThat(KexInit.offer(embedded.address().port(), "SSH-2.0-libssh_0.7.0")
                        .get("cipher.c2s"))
                .isEqualTo(sshd.get("cipher"));
    }
}

package dev.jumpgate.relay.bastion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.relay.Access;
import dev.jumpgate.relay.console.Console;
import dev.jumpgate.relay.link.Links;
import dev.jumpgate.relay.store.Role;
import dev.jumpgate.relay.store.Store;
import dev.jumpgate.relay.store.UserKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bastion session is bound to the key it logged in with: taking the key away (alone or with its user) ends
 * the session at once, and a name given a new key revives nothing the old key opened.
 */
class SessionLoginsTest {

    @TempDir
    Path dir;

    Store store;
    Access access;
    Console console;
    Bastion bastion;
    SshClient client;
    final KeyPair aliceLaptop = keyPair();
    final KeyPair alicePhone = keyPair();

    @BeforeEach
    void start() throws IOException {
        store = Store.open(dir);
        Links links = new Links(store, Runnable::run);
        access = new Access(store, links);
        console = new Console(
                store, links, access, HostPort.parse("relay.example.com:2222"), Fingerprint.of(new byte[] {1}));
        store.addUser("root", Role.ADMIN);
        store.addUser("alice", Role.USER);
        store.addUserKey("alice", line(aliceLaptop));
        store.addUserKey("alice", line(alicePhone));
        store.enrollDevice(DeviceName.parse("pi-kitchen"), Fingerprint.of(new byte[] {2}));
        store.grant("alice", "pi-*", "22");
        bastion = Bastion.start(HostPort.parse("127.0.0.1:0"), dir, store, access, console);
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(
                (session, remote, key) -> bastion.hostKeyLines().contains(PublicKeyEntry.toString(key)));
        client.start();
    }

    @AfterEach
    void stop() throws IOException {
        client.stop();
        bastion.close();
        store.close();
    }

    @Test
    void userRmEndsTheUsersOpenSessionsWithinOneSecond() throws Exception {
        ClientSession laptop = login("alice", aliceLaptop);
        ClientSession phone = login("alice", alicePhone);

        assertThat(console.run("root", "user rm alice").exit()).isZero();

        await().atMost(Duration.ofSeconds(1)).until(() -> laptop.isClosed() && phone.isClosed());
        assertThat(access.logins().size()).isZero();
    }

    @Test
    void userKeyRmEndsOnlyTheSessionsThatKeyOpened() throws Exception {
        ClientSession laptop = login("alice", aliceLaptop);
        ClientSession phone = login("alice", alicePhone);
        String laptopKey = fingerprint(aliceLaptop);
        assertThat(console.run("root", "users").out()).contains(laptopKey).contains(fingerprint(alicePhone));

        var r = console.run("root", "user key rm alice " + laptopKey);

        assertThat(r.exit()).as(r.err()).isZero();
        await().atMost(Duration.ofSeconds(1)).until(laptop::isClosed);
        assertThat(phone.isOpen()).isTrue();
        assertThat(run(phone, "whoami")).isEqualTo("alice (user)\n");
        assertThat(console.run("root", "users").out()).doesNotContain(laptopKey);
        assertThat(assertThatLoginFails("alice", aliceLaptop)).isTrue();
    }

    @Test
    void aNameGivenANewKeyRevivesNoChannelForASessionOfTheOldKey() throws Exception {
        ClientSession old = login("alice", aliceLaptop);
        // Straight to the store, so nothing ends the session: what is left to stop the old key is the check
        // each new channel makes (a ControlMaster's next ssh, a new console command).
        store.removeUser("alice");
        store.addUser("alice", Role.USER);
        store.addUserKey("alice", line(alicePhone));
        store.grant("alice", "pi-*", "22");

        assertThatThrownBy(() -> openTo(old, "pi-kitchen", 22))
                .isInstanceOf(SshChannelOpenException.class)
                .hasMessageContaining("is no longer a key of user 'alice'");
        assertThat(run(old, "devices")).isEmpty();
        assertThat(errorOf(old, "devices")).contains("no longer a key of user 'alice'");
    }

    @Test
    void aSessionThatLogsInAsItsKeyIsRemovedIsEndedAtOnce() throws Exception {
        UserKey phone = store.keys("alice").get(1);
        store.removeUserKey("alice", phone.fingerprint());
        // The key passed the login check just before it was removed: recording the login checks again.
        var login = access.logins().open(phone, () -> {});
        assertThat(login.isClosed()).isTrue();
    }

    @Test
    void anUnknownDeviceAndOneTheUserMayNotReachAnswerAlikeAndInTheSameTime() throws Exception {
        store.enrollDevice(DeviceName.parse("vault"), Fingerprint.of(new byte[] {3}));
        ClientSession s = login("alice", aliceLaptop);
        String unknown = refusal(s, "nosuch");
        String hidden = refusal(s, "vault");
        assertThat(unknown).isEqualTo("no device 'nosuch' that you may reach; ssh relay lists yours");
        assertThat(hidden).isEqualTo("no device 'vault' that you may reach; ssh relay lists yours");

        int tries = 200;
        long[] unknownNanos = new long[tries];
        long[] hiddenNanos = new long[tries];
        for (int i = 0; i < tries; i++) { // interleaved, so that drift in the machine's load hits both alike
            unknownNanos[i] = timeRefusal(s, "nosuch");
            hiddenNanos[i] = timeRefusal(s, "vault");
        }
        double differenceMs = Math.abs(median(unknownNanos) - median(hiddenNanos)) / 1e6;
        System.out.printf(
                "refusal medians over %d tries: unknown %.3f ms, not reachable %.3f ms, difference %.3f ms%n",
                tries, median(unknownNanos) / 1e6, median(hiddenNanos) / 1e6, differenceMs);
        assertThat(differenceMs).isLessThan(1.0);
    }

    @Test
    void aDeviceReachableOnOtherPortsNamesThem() throws Exception {
        ClientSession s = login("alice", aliceLaptop);
        assertThat(refusal(s, "pi-kitchen", 8080))
                .contains("port 8080 is not granted to user 'alice'")
                .contains("you may reach it on ports 22");
    }

    private long timeRefusal(ClientSession s, String device) throws Exception {
        long start = System.nanoTime();
        refusal(s, device);
        return System.nanoTime() - start;
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
    }

    private String refusal(ClientSession s, String device) throws Exception {
        return refusal(s, device, 22);
    }

    private String refusal(ClientSession s, String device, int port) throws Exception {
        try {
            openTo(s, device, port);
        } catch (SshChannelOpenException e) {
            return e.getMessage();
        }
        throw new AssertionError("the channel to " + device + " opened");
    }

    private static void openTo(ClientSession s, String device, int port) throws IOException {
        ClientChannel c =
                s.createDirectTcpipChannel(new SshdSocketAddress("localhost", 0), new SshdSocketAddress(device, port));
        try {
            c.open().verify(Duration.ofSeconds(10));
        } catch (SshException e) {
            throw e.getCause() instanceof SshChannelOpenException refused ? refused : e;
        } finally {
            c.close(true);
        }
    }

    private ClientSession login(String user, KeyPair key) throws IOException {
        ClientSession s = client.connect(user, "127.0.0.1", bastion.port())
                .verify(Duration.ofSeconds(10))
                .getSession();
        s.addPublicKeyIdentity(key);
        s.auth().verify(Duration.ofSeconds(10));
        return s;
    }

    private boolean assertThatLoginFails(String user, KeyPair key) {
        try {
            login(user, key).close(true);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static String run(ClientSession s, String command) throws IOException {
        return exec(s, command, false);
    }

    private static String errorOf(ClientSession s, String command) throws IOException {
        return exec(s, command, true);
    }

    private static String exec(ClientSession s, String command, boolean stderr) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ClientChannel c = s.createExecChannel(command)) {
            c.setOut(out);
            c.setErr(err);
            c.open().verify(Duration.ofSeconds(10));
            c.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(10));
        }
        return (stderr ? err : out).toString(StandardCharsets.UTF_8);
    }

    private static String line(KeyPair key) {
        return PublicKeyEntry.toString(key.getPublic());
    }

    private static String fingerprint(KeyPair key) {
        String[] entry = line(key).split(" ");
        return new UserKey("x", entry[0], entry[1], null).fingerprint().toString();
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

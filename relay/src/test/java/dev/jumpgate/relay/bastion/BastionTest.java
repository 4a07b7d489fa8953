package dev.jumpgate.relay.bastion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.relay.Access;
import dev.jumpgate.relay.console.Console;
import dev.jumpgate.relay.link.Links;
import dev.jumpgate.relay.store.Role;
import dev.jumpgate.relay.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.io.nio2.Nio2Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bastion's sockets: packets go out at once, and logins in progress are bounded ({@link LoginLimit}). */
class BastionTest {

    static final InetAddress A = address("127.0.0.1");
    static final InetAddress B = address("127.0.0.2");
    static final InetAddress C = address("127.0.0.3");

    @TempDir
    Path dir;

    Store store;
    LoginLimit limit;
    Bastion bastion;
    final List<Socket> sockets = new ArrayList<>();

    /** Host keys made once for the class: an RSA-3072 key pair takes seconds to make on a loaded machine. */
    static Path hostKeys;

    @BeforeAll
    static void makeHostKeys(@TempDir Path keys) throws IOException {
        HostKeys.loadOrCreate(keys);
        hostKeys = keys;
    }

    @BeforeEach
    void start() throws IOException {
        for (HostKeys.Kind kind : HostKeys.KINDS) {
            Files.copy(hostKeys.resolve(kind.file()), dir.resolve(kind.file()));
        }
        store = Store.open(dir);
        Links links = new Links(store, Runnable::run);
        Access access = new Access(store, links);
        Console console = new Console(
                store, links, access, HostPort.parse("relay.example.com:2222"), Fingerprint.of(new byte[] {1}));
        limit = new LoginLimit(2, 3);
        bastion = Bastion.start(HostPort.parse("127.0.0.1:0"), dir, store, access, console, limit);
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        bastion.close();
        store.close();
    }

    @Test
    void acceptedConnectionsHaveNagleOff() throws Exception {
        assertThat(heldOpen(connect(A))).isTrue();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !bastion.server().getActiveSessions().isEmpty());
        Nio2Session io =
                (Nio2Session) bastion.server().getActiveSessions().getFirst().getIoSession();
        // Window adjusts are small packets: with Nagle on they wait for the jump client's delayed ACK.
        assertThat(io.getSocket().getOption(StandardSocketOptions.TCP_NODELAY)).isTrue();
    }

    @Test
    void anAddressOverItsBoundIsClosedAtOnceWhileOthersGetIn() throws IOException {
        Socket first = connect(A);
        assertThat(heldOpen(first)).isTrue();
        assertThat(heldOpen(connect(A))).isTrue();
        assertThat(heldOpen(connect(A))).as("a third from the same address").isFalse();

        assertThat(heldOpen(connect(B))).as("another address").isTrue();
        assertThat(heldOpen(connect(C))).as("a fourth in all").isFalse();

        first.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> limit.pending(A) == 1);
        assertThat(heldOpen(connect(A)))
                .as("once one of its connections closed")
                .isTrue();
    }

    @Test
    void aLoggedInSessionNoLongerCounts() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair alice = generator.generateKeyPair();
        store.addUser("alice", Role.USER);
        store.addUserKey("alice", PublicKeyEntry.toString(alice.getPublic()));

        try (SshClient client = SshClient.setUpDefaultClient()) {
            client.setServerKeyVerifier(
                    (session, remote, key) -> bastion.hostKeyLines().contains(PublicKeyEntry.toString(key)));
            client.start();
            List<ClientSession> sessions = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ClientSession s = client.connect("alice", "127.0.0.1", bastion.port())
                        .verify(Duration.ofSeconds(10))
                        .getSession();
                s.addPublicKeyIdentity(alice);
                s.auth().verify(Duration.ofSeconds(10));
                sessions.add(s);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> limit.pending(A) == 0);
            assertThat(heldOpen(connect(A)))
                    .as("with three logged-in sessions from the address")
                    .isTrue();
            for (ClientSession s : sessions) {
                s.close();
            }
        }
    }

    private Socket connect(InetAddress from) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", bastion.port()), 5_000);
        s.setSoTimeout(5_000);
        return s;
    }

    /**
     * Whether the server greets this connection and then waits for the client's identification, rather than
     * closing it: reads until end of stream or until a second without a byte.
     */
    private static boolean heldOpen(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        s.setSoTimeout(1_000);
        StringBuilder greeting = new StringBuilder();
        try {
            for (int b; (b = in.read()) >= 0; ) {
                greeting.append((char) b);
            }
            return false; // closed
        } catch (SocketTimeoutException e) {
            return greeting.toString().startsWith("SSH-2.0-");
        } catch (SocketException e) {
            return false; // reset
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

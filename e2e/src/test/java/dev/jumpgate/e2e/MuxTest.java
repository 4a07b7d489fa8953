package dev.jumpgate.e2e;

import static dev.jumpgate.e2e.Lab.jg;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The mux: the first {@code jumpgate proxy} starts one, later ones hand it their connection, and a user never
 * has to know it is there. It serves only its own user, says no exactly as the proxy alone would, ends when idle,
 * and a mux that died or lost its relay costs nothing but a new start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MuxTest {

    Lab lab;
    Path jumpgate;
    /** On the device's side: reads until EOF, then answers how many bytes it read. */
    ByteCounter counter;

    @BeforeAll
    void start() throws Exception {
        lab = new Lab(Lab.workDir(getClass()));
        counter = ByteCounter.start();
        lab.addDevice("pi-kitchen", "--allow", "127.0.0.1:" + counter.port());
        lab.enroll("pi-attic", lab.token("pi-attic"));
        jumpgate = lab.loggedInClient();
    }

    @AfterAll
    void stop() throws Exception {
        counter.close();
        lab.close();
    }

    private Ssh.Result ssh(Path client, String command) throws Exception {
        return Ssh.run(lab.proxyArgs(client, "admin", "pi-kitchen", command), null, Duration.ofSeconds(60));
    }

    /** Waits until a mux serves {@code client}'s login, linked to the relay. */
    private void awaitMux(Path client) {
        Awaitility.await("the mux")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> jg(client, "mux", "status").out().contains("linked=yes"));
    }

    /** The lab's client command with more of the environment set. */
    private Path client(String name, String exports) throws Exception {
        Path script = lab.dir.resolve("jumpgate-" + name);
        Files.writeString(script, Files.readString(jumpgate).replaceFirst("\nexec ", "\n" + exports + "\nexec "));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    @Test
    @Order(1)
    void theFirstProxyStartsTheMuxAndLaterOnesUseIt() throws Exception {
        assertThat(lab.muxes()).isEmpty();
        // The first one dials by itself and leaves the mux starting, rather than wait for it.
        Ssh.Result first = ssh(jumpgate, "echo first");
        assertThat(first.out()).as(first.err()).isEqualTo("first\n");
        awaitMux(jumpgate);
        for (int i = 0; i < 3; i++) {
            Ssh.Result r = ssh(jumpgate, "echo hop-" + i);
            assertThat(r.out()).as(r.err()).isEqualTo("hop-" + i + "\n");
        }
        assertThat(lab.muxes()).hasSize(1);
        Ssh.Result status = jg(jumpgate, "mux", "status");
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out()).contains("linked=yes", "user=admin", "served=3");
        assertThat(Files.getPosixFilePermissions(lab.runtime.resolve("jumpgate")))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    @Order(2)
    void bytesArriveIntactBothWaysThroughTheMux() throws Exception {
        Transfers.sixteenMegabytesBothWaysThroughTheProxy(lab, jumpgate, "pi-kitchen", "mux");
    }

    @Test
    @Order(2)
    void whatTheDeviceSendsAfterTheClientsEofStillArrives() throws Exception {
        // The client half-closes; the device answers only then. A mux that closed the whole connection on the
        // client's EOF would lose the answer, and the proxy would exit non-zero.
        Ssh.Result r = Ssh.run(
                List.of(jumpgate.toString(), "proxy", "pi-kitchen", String.valueOf(counter.port())),
                "hello".getBytes(StandardCharsets.US_ASCII),
                Duration.ofSeconds(60));
        assertThat(r.out()).as(r.err()).isEqualTo("5 bytes\n");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
    }

    @Test
    @Order(3)
    void refusalsThroughTheMuxSayAndExitAsWithoutIt() throws Exception {
        Path alone = client("no-mux", "export JUMPGATE_MUX=no");
        for (String device : List.of("pi-attic", "no-such-device")) {
            Ssh.Result viaMux = jg(jumpgate, "proxy", device);
            Ssh.Result direct = jg(alone, "proxy", device);
            assertThat(viaMux.exit()).as(viaMux.err()).isEqualTo(3).isEqualTo(direct.exit());
            assertThat(viaMux.err().replaceAll("[0-9]+", "N"))
                    .isEqualTo(direct.err().replaceAll("[0-9]+", "N"));
            assertThat(viaMux.out()).isEmpty();
        }
        assertThat(lab.muxes()).hasSize(1);
    }

    @Test
    @Order(3)
    void anotherUserIsTurnedAwayEvenIfTheSocketIsOpenedToAll() throws Exception {
        Path dir = lab.runtime.resolve("jumpgate");
        Path socket;
        try (var files = Files.list(dir)) {
            socket = files.filter(f -> f.toString().endsWith(".sock"))
                    .findFirst()
                    .orElseThrow();
        }
        // What a careless chmod would do: only the peer check stands between nobody and the user's devices.
        Path probeDir = Files.createTempDirectory(Path.of("/tmp"), "jgprobe");
        try {
            Files.setPosixFilePermissions(lab.runtime, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.setPosixFilePermissions(probeDir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path probe = probeDir.resolve("Probe.java");
            Files.writeString(probe, """
                    import java.net.*; import java.nio.*; import java.nio.channels.*;
                    class Probe { public static void main(String[] a) throws Exception {
                        var s = SocketChannel.open(StandardProtocolFamily.UNIX);
                        s.connect(UnixDomainSocketAddress.of(a[0]));
                        try {
                            s.write(ByteBuffer.wrap("open pi-kitchen 22\\n".getBytes()));
                            System.out.println("read " + s.read(ByteBuffer.allocate(64)));
                        } catch (java.io.IOException e) {
                            System.out.println("closed");
                        }
                    } }
                    """);
            Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("rw-r--r--"));
            String java = ProcessHandle.current().info().command().orElseThrow();
            Ssh.Result r = Ssh.run(
                    List.of("runuser", "-u", "nobody", "--", java, probe.toString(), socket.toString()),
                    null,
                    Duration.ofSeconds(60));
            assertThat(r.out()).as(r.err()).isIn("read -1\n", "closed\n");
            Path log = Path.of(socket.toString().replace(".sock", ".log"));
            Awaitility.await("the mux logs the refusal")
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> Files.readString(log).contains("refusing a connection from user nobody"));
            assertThat(ssh(jumpgate, "echo still-mine").out()).isEqualTo("still-mine\n");
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(lab.runtime, PosixFilePermissions.fromString("rwx------"));
            try (var walk = Files.walk(probeDir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    @Order(4)
    void aMuxKilledOrStoppedIsReplacedByTheNextProxy() throws Exception {
        ProcessHandle first = lab.muxes().getFirst();
        first.destroyForcibly();
        first.onExit().join();
        assertThat(ssh(jumpgate, "echo after-kill").out()).isEqualTo("after-kill\n");
        awaitMux(jumpgate);
        List<ProcessHandle> now = lab.muxes();
        assertThat(now).hasSize(1);
        assertThat(now.getFirst().pid()).isNotEqualTo(first.pid());

        Ssh.Result stop = jg(jumpgate, "mux", "stop");
        assertThat(stop.out()).contains("mux stopped");
        now.getFirst().onExit().join();
        assertThat(jg(jumpgate, "mux", "status").exit()).isEqualTo(1);
        assertThat(ssh(jumpgate, "echo after-stop").out()).isEqualTo("after-stop\n");
    }

    @Test
    @Order(5)
    void afterTheRelayRestartsTheNextProxyStillGetsThrough() throws Exception {
        ssh(jumpgate, "true");
        lab.relay().kill();
        lab.startRelay();
        lab.awaitOnline("pi-kitchen", Duration.ofSeconds(60));
        // At once, whether the mux has linked again yet or not: if not, the proxy dials by itself.
        Ssh.Result r = ssh(jumpgate, "echo after-restart");
        assertThat(r.out()).as(r.err()).isEqualTo("after-restart\n");
        Awaitility.await("the mux links again")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> jg(jumpgate, "mux", "status").out().contains("linked=yes"));
    }

    @Test
    @Order(6)
    void anIdleMuxEndsAndTakesItsSocketWithIt() throws Exception {
        jg(jumpgate, "mux", "stop");
        Path brief = client("brief", "export JUMPGATE_MUX_PERSIST=2");
        assertThat(ssh(brief, "echo brief").out()).isEqualTo("brief\n");
        awaitMux(brief);
        List<ProcessHandle> muxes = lab.muxes();
        assertThat(muxes).hasSize(1);
        muxes.getFirst().onExit().get(30, TimeUnit.SECONDS);
        try (var files = Files.list(lab.runtime.resolve("jumpgate"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".sock"))).isEmpty();
        }
    }
}

package dev.jumpgate.e2e;

import static dev.jumpgate.e2e.Lab.jg;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.client.mux.MuxSocket;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * jumpgate-dial, the proxy through a running mux without a JVM (cli/src/main/c): it finds the mux that the Java
 * client started, carries a session's bytes intact both ways, says no exactly as the Java proxy does, and hands every
 * case it cannot serve to the JVM before it has touched a byte of ssh's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DialTest {

    Lab lab;
    /** The lab's logged-in client on the JVM, as a user's PATH would hold it. */
    Path jumpgate;
    /** The client through jumpgate-dial, whose fallback notes each hand-over in {@link #handedOver}. */
    Path dial;

    Path handedOver;
    /** On the device's side: reads until EOF, then answers how many bytes it read. */
    ByteCounter counter;

    @BeforeAll
    void start() throws Exception {
        lab = new Lab(Lab.workDir(getClass()));
        counter = ByteCounter.start();
        lab.addDevice("pi-kitchen", "--allow", "127.0.0.1:" + counter.port());
        lab.enroll("pi-attic", lab.token("pi-attic"));
        jumpgate = lab.loggedInClient();
        handedOver = lab.dir.resolve("handed-over.log");
        Path fallback = lab.dir.resolve("jvm-fallback");
        Files.writeString(
                fallback,
                "#!/bin/sh\necho \"JUMPGATE_DIAL=$JUMPGATE_DIAL $*\" >>" + handedOver + "\nexec " + jumpgate
                        + " \"$@\"\n");
        Files.setPosixFilePermissions(fallback, PosixFilePermissions.fromString("rwx------"));
        dial = lab.launcher(
                lab.dir.resolve("jumpgate-dial"),
                lab.dir.resolve("client-config"),
                "",
                List.of(binary().toString(), build().toString(), fallback.toString()));
    }

    @AfterAll
    void stop() throws Exception {
        counter.close();
        lab.close();
    }

    /** cli/target/jumpgate-dial, built by the cli module's package phase wherever there is a C compiler. */
    static Path binary() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("cli/src/main/c/jumpgate-dial.c"))) {
            dir = dir.getParent();
        }
        assertThat(dir)
                .as("the project's root above " + Path.of("").toAbsolutePath())
                .isNotNull();
        Path binary = dir.resolve("cli/target/jumpgate-dial");
        assertThat(binary).as("built by `mvn package` (it needs cc)").isExecutable();
        return binary;
    }

    /** What the JVM client's mux name stands for: the jar, or class directory, its MuxSocket came from. */
    static Path build() throws Exception {
        return Path.of(MuxSocket.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    }

    private Ssh.Result ssh(Path client, String command, byte[] stdin) throws Exception {
        return Ssh.run(lab.proxyArgs(client, "admin", "pi-kitchen", command), stdin, Duration.ofMinutes(2));
    }

    private List<String> handOvers() throws IOException {
        return Files.exists(handedOver) ? Files.readAllLines(handedOver) : List.of();
    }

    private int served() throws Exception {
        String status = jg(jumpgate, "mux", "status").out();
        return Integer.parseInt(status.replaceAll("(?s).*served=([0-9]+).*", "$1"));
    }

    @Test
    @Order(1)
    void withNoMuxRunningTheJvmTakesTheConnectionAndStartsOne() throws Exception {
        assertThat(lab.muxes()).isEmpty();
        Ssh.Result r = ssh(dial, "echo first", null);
        assertThat(r.out()).as(r.err()).isEqualTo("first\n");
        assertThat(handOvers()).containsExactly("JUMPGATE_DIAL=no proxy pi-kitchen 22");
        Awaitility.await("the mux the JVM started")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> jg(jumpgate, "mux", "status").out().contains("linked=yes"));
    }

    @Test
    @Order(2)
    void throughTheMuxTheSessionRunsWithoutAJvm() throws Exception {
        int before = served();
        for (int i = 0; i < 3; i++) {
            Ssh.Result r = ssh(dial, "echo hop-" + i, null);
            assertThat(r.out()).as(r.err()).isEqualTo("hop-" + i + "\n");
            assertThat(r.exit()).isZero();
        }
        assertThat(served()).as("the mux served each").isEqualTo(before + 3);
        assertThat(handOvers()).as("none went to the JVM").hasSize(1);
    }

    @Test
    @Order(3)
    void bytesArriveIntactBothWays() throws Exception {
        Transfers.sixteenMegabytesBothWaysThroughTheProxy(lab, dial, "pi-kitchen", "dial");
        assertThat(handOvers()).hasSize(1);
    }

    @Test
    @Order(3)
    void whatTheDeviceSendsAfterTheClientsEofStillArrives() throws Exception {
        Ssh.Result r = Ssh.run(
                List.of(dial.toString(), "proxy", "pi-kitchen", String.valueOf(counter.port())),
                "hello".getBytes(StandardCharsets.US_ASCII),
                Duration.ofSeconds(60));
        assertThat(r.out()).as(r.err()).isEqualTo("5 bytes\n");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(handOvers()).hasSize(1);
    }

    @Test
    @Order(3)
    void refusalsSayAndExitAsTheJvmProxyDoes() throws Exception {
        Path alone = lab.launcher(
                lab.dir.resolve("jumpgate-no-mux"), lab.dir.resolve("client-config"), "export JUMPGATE_MUX=no");
        for (String device : List.of("pi-attic", "no-such-device")) {
            Ssh.Result viaDial = jg(dial, "proxy", device);
            Ssh.Result jvm = jg(alone, "proxy", device);
            assertThat(viaDial.exit()).as(viaDial.err()).isEqualTo(3).isEqualTo(jvm.exit());
            assertThat(viaDial.err().replaceAll("[0-9]+", "N"))
                    .isEqualTo(jvm.err().replaceAll("[0-9]+", "N"));
            assertThat(viaDial.out()).isEmpty();
        }
        assertThat(handOvers()).hasSize(1);
    }

    @Test
    @Order(4)
    void aMuxDirectoryOthersMayEnterIsNotTrusted() throws Exception {
        Path dir = lab.runtime.resolve("jumpgate");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
        try {
            Ssh.Result r = ssh(dial, "echo careful", null);
            assertThat(r.out()).as(r.err()).isEqualTo("careful\n");
            assertThat(handOvers()).hasSize(2).last().isEqualTo("JUMPGATE_DIAL=no proxy pi-kitchen 22");
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    @Order(4)
    void usageTheJvmExplainsAndOddNamesGoToIt() throws Exception {
        int before = handOvers().size();
        Ssh.Result r = jg(dial, "proxy", "--no-such-option", "pi-kitchen");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--no-such-option'");
        assertThat(handOvers()).hasSize(before + 1);
        // a name with blanks or control characters is never written to the mux by jumpgate-dial
        jg(dial, "proxy", "pi-kitchen\tstop");
        assertThat(handOvers()).hasSize(before + 2).last().asString().startsWith("JUMPGATE_DIAL=no proxy pi-kitchen");
    }

    // Against a mux that misbehaves on purpose, in a runtime directory of its own: what the real one never does.

    /**
     * Runs jumpgate-dial against a stand-in mux that answers {@code open} with {@code answer} and then runs
     * {@code after} on the connection.
     */
    private Ssh.Result againstStandIn(String answer, Consumer<SocketChannel> after) throws Exception {
        // A runtime directory of its own (under the lab's, which the lab removes), short enough for a socket path.
        Path runtime = Files.createTempDirectory(lab.runtime, "stand-in");
        Files.createDirectory(
                runtime.resolve("jumpgate"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("XDG_CONFIG_HOME", lab.dir.resolve("client-config").toString());
        env.put("XDG_RUNTIME_DIR", runtime.toString());
        for (String name : List.of("JUMPGATE_TRANSPORT", "JUMPGATE_PROXY", "SSH_AUTH_SOCK", "HTTPS_PROXY")) {
            env.remove(name);
        }
        Path socket = MuxSocket.current(env, build()).orElseThrow().socket();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofVirtual().start(() -> {
                try (SocketChannel c = server.accept()) {
                    InputStream in = Channels.newInputStream(c);
                    StringBuilder line = new StringBuilder();
                    for (int b; (b = in.read()) != '\n' && b >= 0; ) {
                        line.append((char) b);
                    }
                    assertThat(line.toString()).isEqualTo("open pi-kitchen 22");
                    c.write(ByteBuffer.wrap((answer + "\n").getBytes(StandardCharsets.UTF_8)));
                    after.accept(c);
                } catch (IOException e) {
                    // the helper went away: what the test checks
                }
            });
            ProcessBuilder pb =
                    new ProcessBuilder(binary().toString(), build().toString(), "/bin/false", "proxy", "pi-kitchen");
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return new Ssh.Result(
                    p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        }
    }

    private static void write(SocketChannel c, int length, byte[] body) {
        try {
            ByteBuffer b = ByteBuffer.allocate(4 + body.length)
                    .putInt(length)
                    .put(body)
                    .flip();
            while (b.hasRemaining()) {
                c.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void framesReachStdoutAsTheyCameAndAnEndFrameEndsCleanly() throws Exception {
        Ssh.Result r = againstStandIn("ok", c -> {
            write(c, 3, "abc".getBytes(StandardCharsets.US_ASCII));
            write(c, 2, "de".getBytes(StandardCharsets.US_ASCII));
            write(c, 0, new byte[0]);
        });
        assertThat(r.out()).isEqualTo("abcde");
        assertThat(r.exit()).as(r.err()).isZero();
    }

    @Test
    void framesSplitAcrossReadsOrManyInOneArriveWhole() throws Exception {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        Ssh.Result r = againstStandIn("ok", c -> {
            try {
                // a hundred frames in one write, then one whose length and body arrive in pieces
                ByteBuffer many = ByteBuffer.allocate(100 * 7);
                for (int i = 0; i < 100; i++) {
                    byte[] body = String.format("f%02d", i).getBytes(StandardCharsets.US_ASCII);
                    many.putInt(body.length).put(body);
                    expected.writeBytes(body);
                }
                c.write(many.flip());
                byte[] framed = ByteBuffer.allocate(4 + 5)
                        .putInt(5)
                        .put("split".getBytes(StandardCharsets.US_ASCII))
                        .array();
                expected.writeBytes("split".getBytes(StandardCharsets.US_ASCII));
                for (int[] piece : new int[][] {{0, 2}, {2, 5}, {5, 9}}) {
                    c.write(ByteBuffer.wrap(framed, piece[0], piece[1] - piece[0]));
                    Thread.sleep(50); // pacing, so that each piece comes in a read of its own
                }
                write(c, 0, new byte[0]);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(r.out()).isEqualTo(expected.toString(StandardCharsets.US_ASCII));
        assertThat(r.exit()).as(r.err()).isZero();
    }

    @Test
    void aBrokenStreamSaysWhyAndFails() throws Exception {
        Ssh.Result r = againstStandIn("ok", c -> {
            write(c, 2, "hi".getBytes(StandardCharsets.US_ASCII));
            write(c, -1, "the device reset the stream\n".getBytes(StandardCharsets.US_ASCII));
        });
        assertThat(r.out()).isEqualTo("hi");
        assertThat(r.err()).isEqualTo("jumpgate: the stream to the device broke: the device reset the stream\n");
        assertThat(r.exit()).isEqualTo(4);
    }

    @Test
    void aLengthNoMuxWouldSendEndsTheSession() throws Exception {
        Ssh.Result r = againstStandIn("ok", c -> write(c, 1 << 25, new byte[0]));
        assertThat(r.err()).isEqualTo("jumpgate: the mux sent a frame of 33554432 bytes\n");
        assertThat(r.exit()).isEqualTo(4);
    }

    @Test
    void aMuxThatVanishesMidStreamIsNotACleanEnd() throws Exception {
        Ssh.Result r = againstStandIn("ok", c -> write(c, 5, "hel".getBytes(StandardCharsets.US_ASCII)));
        assertThat(r.out()).isEqualTo("hel");
        assertThat(r.err()).contains("the jumpgate mux closed the connection");
        assertThat(r.exit()).isEqualTo(4);
    }

    @Test
    void aMuxWhoseLinkIsDownHandsOverToTheJvm() throws Exception {
        // The fallback here is /bin/false: that it ran (exit 1, nothing said) is the hand-over.
        Ssh.Result r = againstStandIn("failed the relay is unreachable", c -> {});
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
    }
}

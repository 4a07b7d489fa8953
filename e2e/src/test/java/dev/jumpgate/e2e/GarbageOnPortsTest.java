package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Garbage on every port the relay listens on (the SSH bastion and the TLS link port): random bytes, a truncated
 * TLS ClientHello, an oversized handshake frame and a byte-a-second slowloris, many of each at once. Every such
 * connection is closed by the relay within its bound, a real ssh session through the relay works during and
 * after the storm, and the relay's RSS grows by less than a fixed bound.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GarbageOnPortsTest {

    /** The SSH port closes an unauthenticated connection after AUTH_TIMEOUT (30 s); the link port after 10 s. */
    private static final Duration SSH_BOUND = Duration.ofSeconds(40);

    private static final Duration LINK_BOUND = Duration.ofSeconds(20);
    private static final int EACH = 25;
    private static final long RSS_GROWTH_BOUND_KIB = 192 * 1024;

    Lab lab;

    @BeforeAll
    void start() throws Exception {
        lab = new Lab(Lab.workDir(getClass()));
        lab.addDevice("pi-kitchen");
    }

    @AfterAll
    void stop() throws Exception {
        lab.close();
    }

    @Test
    void everyGarbageConnectionClosesAndTheRelayKeepsServing() throws Exception {
        assertThat(lab.ssh("admin", "pi-kitchen", "echo warm", null, Duration.ofSeconds(30))
                        .out())
                .isEqualTo("warm\n");
        long rssBefore = lab.relay().rssKib();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<String>> attacks = new ArrayList<>();
        for (int i = 0; i < EACH; i++) {
            long seed = i;
            attacks.add(pool.submit(attack("ssh random", lab.sshPort, SSH_BOUND, s -> randomBytes(s, seed))));
            attacks.add(pool.submit(attack("link random", lab.linkPort, LINK_BOUND, s -> randomBytes(s, seed))));
            attacks.add(
                    pool.submit(attack("link truncated TLS", lab.linkPort, LINK_BOUND, this::truncatedClientHello)));
            attacks.add(pool.submit(tlsAttack(
                    "link oversized frame",
                    s -> s.getOutputStream()
                            .write(ByteBuffer.allocate(8)
                                    .put("JGL1".getBytes(StandardCharsets.US_ASCII))
                                    .putInt(0x7fffffff)
                                    .array()))));
            attacks.add(pool.submit(tlsAttack(
                    "link HTTP instead of magic",
                    s -> s.getOutputStream()
                            .write(("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII)))));
            attacks.add(pool.submit(tlsAttack(
                    "link HTTP/2 preface",
                    s -> s.getOutputStream()
                            .write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\4\0\0\0\0\0"
                                    .getBytes(StandardCharsets.ISO_8859_1)))));
            if (i < 5) {
                attacks.add(pool.submit(attack("ssh slowloris", lab.sshPort, SSH_BOUND, this::slowSshBanner)));
                attacks.add(pool.submit(tlsAttack("link slowloris", this::slowMagic)));
            }
        }
        // During the storm, a user still gets through.
        assertThat(lab.ssh("admin", "pi-kitchen", "echo during", null, Duration.ofSeconds(60))
                        .out())
                .isEqualTo("during\n");
        List<String> held = new ArrayList<>();
        for (Future<String> a : attacks) {
            String outcome = a.get(2, TimeUnit.MINUTES);
            if (!outcome.startsWith("closed")) {
                held.add(outcome);
            }
        }
        pool.shutdownNow();
        assertThat(held).as("connections the relay held open past their bound").isEmpty();
        assertThat(lab.relay().isAlive()).isTrue();
        assertThat(lab.ssh("admin", "pi-kitchen", "echo after", null, Duration.ofSeconds(30))
                        .out())
                .isEqualTo("after\n");
        long rssAfter = lab.relay().rssKib();
        System.out.printf(
                "relay RSS before %d KiB, after %d garbage connections %d KiB (+%d KiB)%n",
                rssBefore, attacks.size(), rssAfter, rssAfter - rssBefore);
        assertThat(rssAfter - rssBefore).as("relay RSS growth, KiB").isLessThan(RSS_GROWTH_BOUND_KIB);
    }

    interface Send {
        void to(Socket s) throws Exception;
    }

    private Callable<String> attack(String name, int port, Duration bound, Send send) {
        return () -> {
            long start = System.nanoTime();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout((int) bound.toMillis());
                try {
                    send.to(s);
                } catch (IOException e) {
                    return "closed while sending (" + name + ")";
                }
                return awaitClose(s, name, start);
            }
        };
    }

    /** A TLS connection that completes the handshake (as any scanner can), then misbehaves. */
    private Callable<String> tlsAttack(String name, Send send) {
        return () -> {
            long start = System.nanoTime();
            try (SSLSocket s = (SSLSocket) trustingAnything()
                    .getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), lab.linkPort)) {
                s.setSoTimeout((int) LINK_BOUND.toMillis());
                s.startHandshake();
                try {
                    send.to(s);
                } catch (IOException e) {
                    return "closed while sending (" + name + ")";
                }
                return awaitClose(s, name, start);
            } catch (SocketException | SSLHandshakeException e) {
                // Also the answer to connections beyond the per-address bound: closed as they are accepted.
                return "closed during TLS (" + name + ")";
            }
        };
    }

    private static String awaitClose(Socket s, String name, long start) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        try {
            while (in.read(buf) >= 0) {
                // an SSH banner, a TLS alert or a Refusal frame may come first
            }
        } catch (SocketTimeoutException e) {
            return name + ": still open after " + (System.nanoTime() - start) / 1_000_000 + " ms";
        } catch (SocketException | SSLException e) {
            // reset or alert: closed
        }
        return "closed (" + name + ")";
    }

    private void randomBytes(Socket s, long seed) throws IOException {
        byte[] b = new byte[64 * 1024];
        new Random(seed).nextBytes(b);
        s.getOutputStream().write(b);
    }

    private void truncatedClientHello(Socket s) throws Exception {
        SSLEngine engine = trustingAnything().createSSLEngine();
        engine.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining() / 2];
        out.get(hello);
        s.getOutputStream().write(hello);
    }

    private void slowSshBanner(Socket s) throws Exception {
        drip(s.getOutputStream(), "SSH-2.0-slowloris_" + "x".repeat(30));
    }

    private void slowMagic(Socket s) throws Exception {
        drip(s.getOutputStream(), "JGL1\0\0\0\u00ff" + "x".repeat(17));
    }

    /** One byte a second until the relay closes or the bytes run out (longer than either bound). */
    private static void drip(OutputStream out, String text) throws Exception {
        for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
            out.write(b);
            out.flush();
            Thread.sleep(1000); // pacing the attacker, not waiting for the system under test
        }
    }

    /** The attacker's TLS: it accepts any certificate, as a scanner would. Never used for a user's connection. */
    private static SSLContext trustingAnything() throws Exception {
        TrustManager any = new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) {}

            public void checkServerTrusted(X509Certificate[] c, String a) {}

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, new TrustManager[] {any}, new SecureRandom());
        return ctx;
    }
}

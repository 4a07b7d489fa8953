package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Concurrent sessions push random bytes to the device and read them back through {@code cat}, half with
 * {@code ssh -J} and half through {@code jumpgate proxy}: every byte must come back, in order, in every session.
 * The bounded version of the long soak (docs/RELIABILITY.md); what Shellrelay got wrong under load.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class IntegrityUnderLoadTest {

    static final int SESSIONS = 10;
    static final int BYTES = 16 * 1024 * 1024;
    /** One thread per writer: the common pool has one thread on two cores and would serialise them. */
    private static final ExecutorService WRITERS = Executors.newCachedThreadPool();

    @Test
    void concurrentSessionsLoseNothingAndReorderNothingBothWays() throws Exception {
        try (Lab lab = new Lab(Lab.workDir(getClass()))) {
            lab.addDevice("pi-kitchen");
            Path home = lab.dir.resolve("client-config");
            Path jumpgate = lab.dir.resolve("jumpgate");
            Files.writeString(jumpgate, "#!/bin/sh\nexport XDG_CONFIG_HOME=" + home + "\nexec "
                    + String.join(" ", Proc.javaCommand()) + " \"$@\"\n");
            Files.setPosixFilePermissions(jumpgate, PosixFilePermissions.fromString("rwx------"));
            Ssh.Result login = Ssh.run(List.of(jumpgate.toString(), "login", "-F", lab.config().toString(), "-i",
                    lab.key("admin").toString(), "relay-admin"), null, Duration.ofSeconds(60));
            assertThat(login.exit()).as(login.err()).isZero();

            ExecutorService pool = Executors.newFixedThreadPool(SESSIONS);
            try {
                List<Future<String[]>> sessions = new ArrayList<>();
                for (int i = 0; i < SESSIONS; i++) {
                    List<String> cmd = new ArrayList<>(lab.sshArgs("admin", "pi-kitchen", "cat"));
                    if (i % 2 == 1) { // the project's own client instead of the relay's SSH port
                        cmd.remove("-J");
                        cmd.remove("relay-admin");
                        cmd.addAll(1, List.of("-o", "ProxyCommand=" + jumpgate + " proxy %h %p"));
                    }
                    int seed = i;
                    sessions.add(pool.submit(() -> echo(cmd, seed)));
                }
                for (int i = 0; i < SESSIONS; i++) {
                    String[] sums = sessions.get(i).get(4, TimeUnit.MINUTES);
                    assertThat(sums[1]).as("session %d (%s) echoed every byte in order", i,
                            i % 2 == 1 ? "jumpgate proxy" : "ssh -J").isEqualTo(sums[0]);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Sends BYTES random bytes through {@code cmd} (remote {@code cat}); returns {sent digest, received digest}. */
    private static String[] echo(List<String> cmd, int seed) throws Exception {
        Path err = Files.createTempFile("integrity-" + seed + "-", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            Random r = new Random(seed);
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream in = p.getOutputStream()) {
                for (int left = BYTES; left > 0; left -= chunk.length) {
                    r.nextBytes(chunk);
                    int n = Math.min(left, chunk.length);
                    sent.update(chunk, 0, n);
                    in.write(chunk, 0, n);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, WRITERS);
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (InputStream out = p.getInputStream()) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = out.read(buf)) >= 0; ) {
                received.update(buf, 0, n);
                total += n;
            }
        }
        p.waitFor(1, TimeUnit.MINUTES);
        assertThat(total).as("bytes echoed; ssh said: %s", Files.readString(err)).isEqualTo(BYTES);
        writer.get(1, TimeUnit.MINUTES);
        return new String[] {HexFormat.of().formatHex(sent.digest()), HexFormat.of().formatHex(received.digest())};
    }
}

package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/** What every transport must carry for a user: a command's output and status, and a big file intact. */
final class Transfers {

    private Transfers() {}

    /** {@code ssh -J} runs commands on {@code device}: output, errors and exit status come back. */
    static void commandsRun(Lab lab, String device) throws Exception {
        Ssh.Result r =
                lab.ssh("admin", device, "echo out; echo err >&2; uname -s; exit 7", null, Duration.ofSeconds(60));
        assertThat(r.out()).isEqualTo("out\nLinux\n");
        assertThat(r.err()).isEqualTo("err\n");
        assertThat(r.exit()).isEqualTo(7);
    }

    /**
     * 16 MiB of random bytes go up through {@code client}'s ProxyCommand (sha256sum on the device) and come back down
     * ({@code cat}), identical by SHA-256 both ways; {@code name} keeps this caller's files apart.
     */
    static void sixteenMegabytesBothWaysThroughTheProxy(Lab lab, Path client, String device, String name)
            throws Exception {
        byte[] data = new byte[16 * 1024 * 1024];
        new Random(name.hashCode()).nextBytes(data);
        Ssh.Result up = Ssh.run(lab.proxyArgs(client, "admin", device, "sha256sum"), data, Duration.ofMinutes(2));
        assertThat(up.out()).as(up.err()).startsWith(JumpTest.sha256(data));
        Path file = Files.write(lab.dir.resolve(name + "-down.bin"), data);
        Path received = lab.dir.resolve(name + "-received.bin");
        Path err = lab.dir.resolve(name + "-down.err");
        Process down = new ProcessBuilder(lab.proxyArgs(client, "admin", device, "cat " + file))
                .redirectOutput(received.toFile())
                .redirectError(err.toFile())
                .start();
        assertThat(down.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(down.exitValue()).as(Files.readString(err)).isZero();
        assertThat(JumpTest.sha256(Files.readAllBytes(received))).isEqualTo(JumpTest.sha256(data));
    }

    /** A 50 MB random file copied by stock scp arrives identical by SHA-256. */
    static void fiftyMegabytesByScpArriveIdentical(Lab lab, String device) throws Exception {
        byte[] data = new byte[50 * 1024 * 1024];
        new Random(device.hashCode()).nextBytes(data);
        Path file = lab.dir.resolve(device + "-random.bin");
        Files.write(file, data);
        Path remote = lab.dir.resolve(device + "-copied.bin");
        Ssh.Result r = Ssh.run(
                List.of(
                        "scp",
                        "-q",
                        "-F",
                        lab.config().toString(),
                        "-i",
                        lab.key("admin").toString(),
                        "-J",
                        "relay-admin",
                        file.toString(),
                        System.getProperty("user.name") + "@" + device + ":" + remote),
                null,
                Duration.ofMinutes(4));
        assertThat(r.exit()).as(r.err()).isZero();
        Ssh.Result sum = lab.ssh("admin", device, "sha256sum " + remote, null, Duration.ofSeconds(60));
        assertThat(sum.out()).startsWith(JumpTest.sha256(data));
        Files.delete(file);
    }

    /** How many times {@code agent} logged a new link. */
    static int links(Proc agent) throws Exception {
        Matcher m = Pattern.compile("linked to relay .* over ").matcher(agent.stderr());
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** An ssh session that downloads zeros until it is cut, counting what arrived. */
    record Download(Process process, AtomicLong bytes) {

        /** Waits until at least {@code n} bytes have arrived. */
        Download awaitBytes(long n, Duration limit) {
            Awaitility.await("download passes " + n + " bytes")
                    .atMost(limit)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> bytes.get() >= n || !process.isAlive());
            assertThat(bytes.get()).as("bytes downloaded before ssh exited").isGreaterThanOrEqualTo(n);
            return this;
        }
    }

    static Download endlessDownload(Lab lab, String device) throws Exception {
        Process p = new ProcessBuilder(lab.sshArgs("admin", device, "exec cat /dev/zero"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(lab.dir
                        .resolve("logs")
                        .resolve("download-" + device + ".err")
                        .toFile())
                .start();
        AtomicLong bytes = new AtomicLong();
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[256 * 1024];
            try (InputStream in = p.getInputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    bytes.addAndGet(n);
                }
            } catch (IOException e) {
                // ssh is gone; its exit status tells the test
            }
        });
        return new Download(p, bytes);
    }

    /** A long ssh session, as its own process: it prints "started", waits, then prints "finished". */
    static Proc longSession(Lab lab, String device, String name) throws Exception {
        return lab.adopt(Proc.start(
                lab.dir.resolve("logs"), name, lab.sshArgs("admin", device, "echo started; sleep 12; echo finished")));
    }
}

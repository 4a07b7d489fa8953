package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Files to and from a device that runs no sshd, with OpenSSH's own tools through the relay: scp (SFTP underneath
 * since OpenSSH 9), sftp both ways, and rsync (which runs {@code rsync --server} by exec). Each copy of 100 MB of
 * random bytes must arrive bit for bit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EmbeddedFilesTest {

    static final Duration COPY = Duration.ofMinutes(3);

    Path tmp;
    Lab lab;
    Path original;
    String sha256;

    @BeforeAll
    void start() throws Exception {
        tmp = Lab.workDir(getClass());
        lab = new Lab(tmp);
        lab.addEmbeddedDevice("box");
        byte[] data = new byte[100 * 1024 * 1024];
        new Random(2026).nextBytes(data);
        original = Files.write(tmp.resolve("random.bin"), data);
        sha256 = JumpTest.sha256(data);
    }

    @AfterAll
    void stop() throws Exception {
        lab.close();
    }

    private String remote(Path p) {
        return System.getProperty("user.name") + "@box:" + p;
    }

    private String sshCommand() {
        return "ssh -F " + lab.config() + " -i " + lab.key("admin") + " -J relay-admin";
    }

    private static String sha256(Path p) throws Exception {
        return JumpTest.sha256(Files.readAllBytes(p));
    }

    @Test
    void scpCopiesAHundredMegabytesIntact() throws Exception {
        Path copy = tmp.resolve("by-scp.bin");
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
                        original.toString(),
                        remote(copy)),
                null,
                COPY);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(sha256(copy)).isEqualTo(sha256);
    }

    @Test
    void sftpPutsAndGetsAHundredMegabytesIntactStartingInTheHome() throws Exception {
        Path up = tmp.resolve("by-sftp-put.bin");
        Path down = tmp.resolve("by-sftp-get.bin");
        Path batch = Files.writeString(
                tmp.resolve("sftp.batch"), "pwd\nput " + original + " " + up + "\nget " + up + " " + down + "\n");
        Ssh.Result r = Ssh.run(
                List.of(
                        "sftp",
                        "-F",
                        lab.config().toString(),
                        "-i",
                        lab.key("admin").toString(),
                        "-J",
                        "relay-admin",
                        "-b",
                        batch.toString(),
                        System.getProperty("user.name") + "@box"),
                null,
                COPY);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Remote working directory: " + System.getProperty("user.home"));
        assertThat(sha256(up)).isEqualTo(sha256);
        assertThat(sha256(down)).isEqualTo(sha256);
    }

    @Test
    void rsyncCopiesAHundredMegabytesIntact() throws Exception {
        Path copy = tmp.resolve("by-rsync.bin");
        Ssh.Result r = Ssh.run(List.of("rsync", "-e", sshCommand(), original.toString(), remote(copy)), null, COPY);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(sha256(copy)).isEqualTo(sha256);
    }
}

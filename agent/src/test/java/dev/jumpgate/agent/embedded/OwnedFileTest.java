package dev.jumpgate.agent.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent running as root reads each user's {@code ~/.ssh/authorized_keys} as sshd's StrictModes would. The user
 * here is uid 4242 when the test runs as root (so it can hand files to that user), else the test's own user.
 */
class OwnedFileTest {

    static final long OTHER = 4243;

    @TempDir
    Path tmp;

    Account user;
    Path ssh;
    Path file;
    KeyPair alice;
    String aliceLine;

    @BeforeEach
    void home() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path home = Files.createDirectory(tmp.resolve("home"));
        ssh = Files.createDirectory(home.resolve(".ssh"));
        file = ssh.resolve("authorized_keys");
        long uid = root ? 4242 : ((Number) Files.getAttribute(tmp, "unix:uid")).longValue();
        user = new Account("alice", uid, uid, home, "/bin/sh");
        chown(home, uid);
        chown(ssh, uid);
        Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwx------"));
        alice = KeyFiles.loadOrCreate(tmp.resolve("alice_key"), "alice");
        aliceLine = KeyFiles.publicLine(alice);
    }

    private Path owned(Path f, long uid, String mode) throws Exception {
        chown(f, uid);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    private static void chown(Path f, long uid) throws Exception {
        if ("root".equals(System.getProperty("user.name"))) {
            Files.setAttribute(f, "unix:uid", (int) uid);
        }
    }

    private static void assumeRoot() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "hands files to other users");
    }

    private AuthorizedKeys.Found read() {
        return AuthorizedKeys.read(user, List.of());
    }

    @Test
    void theUsersOwnFileIsRead() throws Exception {
        owned(Files.writeString(file, aliceLine + "\n"), user.uid(), "rw-------");
        assertThat(read().match(alice.getPublic())).isPresent();
        assertThat(read().problems()).isEmpty();
    }

    /** A link could point at any file root may read; its lines would reach the log as "options". */
    @Test
    void aLinkToARootOnlyFileIsNotFollowedAndNoneOfItsLinesLogged() throws Exception {
        Path secret = owned(
                Files.writeString(tmp.resolve("shadow"), "root:$6$SECRETHASH:19000:0:99999:7:::\n" + aliceLine + "\n"),
                0,
                "rw-------");
        Files.createSymbolicLink(file, secret);

        AuthorizedKeys.Found found = read();

        assertThat(found.match(alice.getPublic())).isEmpty();
        assertThat(found.problems())
                .singleElement()
                .asString()
                .contains(file.toString())
                .contains("symbolic link")
                .doesNotContain("SECRETHASH");
    }

    /** sshd reads the user's file with the user's rights; a hard link to a root-only file must not do better. */
    @Test
    void aRootOwnedFileTheUserCouldNotReadIsRefused() throws Exception {
        assumeRoot();
        Path secret =
                owned(Files.writeString(tmp.resolve("root-only"), "SECRETHASH\n" + aliceLine + "\n"), 0, "rw-r-----");
        Files.createLink(file, secret);

        AuthorizedKeys.Found found = read();

        assertThat(found.match(alice.getPublic())).isEmpty();
        assertThat(found.problems())
                .singleElement()
                .asString()
                .contains(file.toString())
                .contains("could not read it")
                .doesNotContain("SECRETHASH");
    }

    @Test
    void aGroupWritableSshDirectoryRefusesTheFile() throws Exception {
        owned(Files.writeString(file, aliceLine + "\n"), user.uid(), "rw-------");
        Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwxrwx---"));

        AuthorizedKeys.Found found = read();

        assertThat(found.match(alice.getPublic())).isEmpty();
        assertThat(found.problems())
                .singleElement()
                .asString()
                .contains("directory " + ssh)
                .contains("chmod go-w " + ssh);
    }

    @Test
    void aHomeOwnedBySomeoneElseRefusesTheFile() throws Exception {
        assumeRoot();
        owned(Files.writeString(file, aliceLine + "\n"), user.uid(), "rw-------");
        chown(user.home(), OTHER);

        assertThat(read().match(alice.getPublic())).isEmpty();
        assertThat(read().problems())
                .singleElement()
                .asString()
                .contains("directory " + user.home() + " is owned by uid " + OTHER);
    }

    @Test
    void aFileOwnedBySomeoneElseIsRefused() throws Exception {
        assumeRoot();
        owned(Files.writeString(file, aliceLine + "\n"), OTHER, "rw-r--r--");

        assertThat(read().match(alice.getPublic())).isEmpty();
        assertThat(read().problems()).singleElement().asString().contains("owned by uid " + OTHER);
    }

    /** Opening a FIFO for reading waits for a writer; the login thread must not. */
    @Test
    void aFifoInPlaceOfTheFileIsRefusedWithoutBlocking() throws Exception {
        assertThat(new ProcessBuilder("mkfifo", file.toString()).start().waitFor())
                .isZero();
        owned(file, user.uid(), "rw-------");

        AuthorizedKeys.Found found = assertTimeoutPreemptively(Duration.ofSeconds(5), this::read);

        assertThat(found.problems()).singleElement().asString().contains(file + " is not a regular file");
    }

    @Test
    void aFileLargerThanTheCapIsRefused() throws Exception {
        owned(
                Files.writeString(
                        file,
                        (aliceLine + "\n").repeat((int) (AuthorizedKeys.MAX_FILE_BYTES / aliceLine.length()) + 1)),
                user.uid(),
                "rw-------");

        assertThat(read().match(alice.getPublic())).isEmpty();
        assertThat(read().problems()).singleElement().asString().contains("larger than");
    }

    @Test
    void aMissingFileIsNoProblem() {
        assertThat(read().keys()).isEmpty();
        assertThat(read().problems()).isEmpty();
    }
}

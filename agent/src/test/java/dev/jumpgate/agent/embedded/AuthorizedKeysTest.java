package dev.jumpgate.agent.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthorizedKeysTest {

    static KeyPair alice;
    static KeyPair bob;
    static String aliceLine;
    static String bobLine;

    @BeforeAll
    static void keys(@TempDir Path dir) throws Exception {
        alice = KeyFiles.loadOrCreate(dir.resolve("alice"), "alice");
        bob = KeyFiles.loadOrCreate(dir.resolve("bob"), "bob");
        aliceLine = KeyFiles.publicLine(alice);
        bobLine = KeyFiles.publicLine(bob);
    }

    @Test
    void keysWithCommentsBlankLinesAndCommentLinesAreRead() {
        AuthorizedKeys.Found found =
                AuthorizedKeys.parse("# my keys\n\n" + aliceLine + " alice@laptop\n  " + bobLine + "\n", "ak");
        assertThat(found.problems()).isEmpty();
        assertThat(found.match(alice.getPublic()))
                .hasValueSatisfying(e -> assertThat(e.source()).isEqualTo("ak:3"));
        assertThat(found.match(bob.getPublic()))
                .hasValueSatisfying(e -> assertThat(e.source()).isEqualTo("ak:4"));
    }

    @Test
    void aKeyNotListedDoesNotMatch() {
        assertThat(AuthorizedKeys.parse(aliceLine + "\n", "ak").match(bob.getPublic()))
                .isEmpty();
    }

    /** Options only ever narrow a key; accepting the key without them would give it more than was meant. */
    @Test
    void keysWithOptionsAreSkippedAndTheOptionValuesNeverLogged() {
        AuthorizedKeys.Found found = AuthorizedKeys.parse(
                "command=\"/usr/bin/backup --secret=hunter2\",no-pty " + aliceLine + "\nrestrict " + bobLine + "\n",
                "ak");
        assertThat(found.keys()).isEmpty();
        assertThat(found.problems()).hasSize(2);
        assertThat(found.problems().get(0))
                .contains("ak:1")
                .contains("command,no-pty")
                .doesNotContain("hunter2");
        assertThat(found.problems().get(1)).contains("ak:2").contains("restrict");
    }

    @Test
    void garbageAndCertificatesAreReportedWithTheirLine() {
        AuthorizedKeys.Found found = AuthorizedKeys.parse(
                "ssh-ed25519 AAAAnotbase64!!\n" + "ssh-ed25519-cert-v01@openssh.com AAAA\n" + aliceLine + "\n", "ak");
        assertThat(found.keys()).hasSize(1);
        assertThat(found.problems())
                .satisfiesExactly(
                        p -> assertThat(p).startsWith("ak:1: "),
                        p -> assertThat(p).startsWith("ak:2: ").contains("certificate"));
    }

    @Test
    void agentFilesOthersMayWriteAreSkipped(@TempDir Path dir) throws Exception {
        Path safe = Files.writeString(dir.resolve("safe"), aliceLine + "\n");
        Path open = Files.writeString(dir.resolve("open"), bobLine + "\n");
        Files.setPosixFilePermissions(safe, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-rw-rw-"));
        long me = ((Number) Files.getAttribute(safe, "unix:uid")).longValue();
        Account user = new Account("me", me, me, dir.resolve("no-home"), "/bin/sh");

        AuthorizedKeys.Found found = AuthorizedKeys.read(user, List.of(safe, open, dir.resolve("missing")));

        assertThat(found.match(alice.getPublic())).isPresent();
        assertThat(found.match(bob.getPublic())).isEmpty();
        assertThat(found.problems())
                .singleElement()
                .asString()
                .contains(open.toString())
                .contains("chmod go-w");
    }
}

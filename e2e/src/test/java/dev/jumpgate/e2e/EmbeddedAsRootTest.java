package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * An agent running as root serves other users too: a session for {@code alice@box} runs as that account, with
 * its home, its own {@code ~/.ssh/authorized_keys}, its terminal, and files written with its ownership. Needs root
 * (to run the agent as root and to make the account); skipped otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedAsRootTest {

    static final String ACCOUNT = "jumpgate-e2e";
    static final String MARK = "jumpgate e2e test account";

    Path tmp;
    Lab lab;
    Path home;
    long uid;
    Proc agent;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "runs as root");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/useradd")), "useradd is installed");
        tmp = Lab.workDir(getClass());
        removeAccount();
        Lab.run(List.of("useradd", "--create-home", "--shell", "/bin/sh", "--comment", MARK, ACCOUNT));
        home = Path.of(getent().split(":")[5]);
        uid = Long.parseLong(getent().split(":")[2]);
        lab = new Lab(tmp);
        // alice's key only in the account's own authorized_keys; admin's in the agent's list
        Path ssh = Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(ssh.resolve("authorized_keys"), lab.pub("alice"));
        Lab.run(List.of("chown", "-R", ACCOUNT + ":", ssh.toString()));
        agent = lab.addEmbeddedDevice("box");
    }

    @AfterAll
    void stop() throws Exception {
        if (lab != null) {
            lab.close();
        }
        if (tmp != null) {
            removeAccount();
        }
    }

    private static String getent() throws Exception {
        Ssh.Result r = Ssh.run(List.of("getent", "passwd", ACCOUNT), null, Duration.ofSeconds(10));
        return r.exit() == 0 ? r.out().strip() : "";
    }

    /** Removes the account if this test made it (its comment says so); never anyone else's. */
    private static void removeAccount() throws Exception {
        String line = getent();
        if (line.contains(MARK)) {
            Lab.run(List.of("userdel", "--remove", ACCOUNT));
        } else {
            assertThat(line)
                    .as("an account named %s that this test did not make", ACCOUNT)
                    .isEmpty();
        }
    }

    private List<String> ssh(String key, String login, String... rest) {
        List<String> cmd = new ArrayList<>(List.of(
                "ssh",
                "-F",
                lab.config().toString(),
                "-i",
                lab.key(key).toString(),
                "-J",
                "relay-admin",
                login + "@box"));
        cmd.addAll(List.of(rest));
        return cmd;
    }

    @Test
    void commandRunsAsTheLoginsAccountInItsHome() throws Exception {
        Ssh.Result r = Ssh.run(ssh("admin", ACCOUNT, "id -un; id -u; echo $HOME; pwd"), null, Duration.ofSeconds(30));
        assertThat(r.out()).as(r.err()).isEqualTo(ACCOUNT + "\n" + uid + "\n" + home + "\n" + home + "\n");
    }

    @Test
    void theAccountsOwnAuthorizedKeysLetItsKeysIn() throws Exception {
        assertThat(Ssh.run(ssh("alice", ACCOUNT, "id -un"), null, Duration.ofSeconds(30))
                        .out())
                .isEqualTo(ACCOUNT + "\n");
        Ssh.Result asRoot = Ssh.run(ssh("alice", "root", "id -un"), null, Duration.ofSeconds(30));
        assertThat(asRoot.exit())
                .as("alice's key is in %s's file, not root's", ACCOUNT)
                .isEqualTo(255);
    }

    /**
     * The agent reads the account's files as root: a link the account plants to a root-only file must neither let
     * that file's keys in nor put its lines in the log.
     */
    @Test
    void aLinkInTheAccountsSshDirectoryIsNotFollowedNorItsTargetLogged() throws Exception {
        Path rootOnly =
                Files.writeString(tmp.resolve("root-only"), "root:SECRET-HASH:19000::::::\n" + lab.pub("mallory"));
        Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rw-------"));
        Path own = home.resolve(".ssh").resolve("authorized_keys");
        Path aside = own.resolveSibling("authorized_keys.aside");
        Files.move(own, aside);
        try {
            Files.createSymbolicLink(own, rootOnly);
            Lab.run(List.of("chown", "-h", ACCOUNT + ":", own.toString()));

            Ssh.Result r = Ssh.run(ssh("mallory", ACCOUNT, "id -un"), null, Duration.ofSeconds(30));

            assertThat(r.exit())
                    .as("mallory's key is only in the root-only file")
                    .isEqualTo(255);
            agent.awaitLog(Pattern.quote(own + " is a symbolic link"), Duration.ofSeconds(10));
            assertThat(agent.stderr() + agent.stdout()).doesNotContain("SECRET-HASH");
        } finally {
            Files.deleteIfExists(own);
            Files.move(aside, own);
        }
    }

    @Test
    void terminalSessionBelongsToTheAccount() throws Exception {
        List<String> cmd = ssh("admin", ACCOUNT);
        cmd.add(1, "-tt");
        Ssh.Result r = Ssh.run(
                cmd,
                "echo who=$(id -un) tty=$(stat -c %U $(tty))\nexit\n".getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(30));
        assertThat(r.out()).contains("who=" + ACCOUNT + " tty=" + ACCOUNT);
    }

    @Test
    void filesArriveOwnedByTheAccount() throws Exception {
        Path local = Files.writeString(tmp.resolve("note.txt"), "for the account\n");
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
                        local.toString(),
                        ACCOUNT + "@box:note.txt"),
                null,
                Duration.ofSeconds(60));
        assertThat(r.exit()).as(r.err()).isZero();
        Path arrived = home.resolve("note.txt");
        assertThat(Files.readString(arrived)).isEqualTo("for the account\n");
        assertThat(((Number) Files.getAttribute(arrived, "unix:uid")).longValue())
                .isEqualTo(uid);
    }
}

package dev.jumpgate.agent.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * An authorized_keys file holds whatever its owner, or whoever got to write it, put there. Reading it ends in keys
 * and problems, never an exception; every key accepted is of a type we sign with and sat on a line with no options;
 * every problem is one line free of control characters (each is logged) that never repeats an option's value; a
 * file above the cap is refused whole, with no word of it.
 */
class AuthorizedKeysFuzzTest {

    private static final long CAP = 1024;
    private static final Set<String> KNOWN = Set.of(
            "ssh-ed25519",
            "ssh-rsa",
            "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384",
            "ecdsa-sha2-nistp521",
            "sk-ssh-ed25519@openssh.com",
            "sk-ecdsa-sha2-nistp256@openssh.com");
    private static final Path FILE;
    private static final Account ME;

    static {
        try {
            Path dir = Files.createTempDirectory("authorized-keys-fuzz");
            dir.toFile().deleteOnExit();
            FILE = dir.resolve("authorized_keys");
            FILE.toFile().deleteOnExit();
            long uid = ((Number) Files.getAttribute(dir, "unix:uid")).longValue();
            long gid = ((Number) Files.getAttribute(dir, "unix:gid")).longValue();
            ME = new Account("me", uid, gid, dir, "/bin/sh");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void authorizedKeysFile(byte[] input) throws IOException {
        Files.write(FILE, input);
        OwnedFile.Result read = OwnedFile.read(FILE, ME, false, CAP);
        if (input.length > CAP) {
            assertThat(read).isEqualTo(new OwnedFile.Result.Refused(FILE + " is larger than " + CAP + " bytes"));
            return;
        }
        String text = new String(input, StandardCharsets.UTF_8);
        assertThat(read).isEqualTo(new OwnedFile.Result.Text(text));

        AuthorizedKeys.Found found = AuthorizedKeys.parse(text, "ak");
        String[] lines = text.split("\n", -1);
        for (AuthorizedKeys.Entry e : found.keys()) {
            assertThat(e.source()).startsWith("ak:");
            String line = lines[Integer.parseInt(e.source().substring(3)) - 1].strip();
            String type = KeyUtils.getKeyType(e.key());
            assertThat(KNOWN).contains(type);
            assertThat(line.split("\\s+", 2)[0]).isEqualTo(type);
        }
        for (String problem : found.problems()) {
            assertThat(problem).startsWith("ak:").doesNotContainPattern("\\p{Cntrl}");
            int open = problem.indexOf("key with options (");
            if (open >= 0) {
                String names =
                        problem.substring(open + "key with options (".length(), problem.lastIndexOf(") skipped"));
                assertThat(names).doesNotContain("=", "\"");
            }
        }
    }
}

package dev.jumpgate.agent.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {

    @Test
    void aKeyIsMadeOnceAndThenOnlyRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ssh_host_ed25519_key");
        KeyPair first = KeyFiles.loadOrCreate(file, "host");
        KeyPair again = KeyFiles.loadOrCreate(file, "host");
        assertThat(KeyFiles.publicLine(again))
                .isEqualTo(KeyFiles.publicLine(first))
                .startsWith("ssh-ed25519 ");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(dir.resolve("ssh_host_ed25519_key.pub")))
                .isEqualTo(KeyFiles.publicLine(first) + " host\n");
    }

    /** The quickstart hands this file to OpenSSH's ssh as an identity: OpenSSH must read it as ssh-keygen's own. */
    @Test
    void openSshReadsTheKeyFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("id_ed25519");
        KeyPair pair = KeyFiles.loadOrCreate(file, "me");
        Process p = new ProcessBuilder("ssh-keygen", "-y", "-f", file.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out.strip()).startsWith(KeyFiles.publicLine(pair));
    }

    @Test
    void aDamagedKeyIsAnErrorNotANewKey(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("key"), "not a key\n");
        assertThatThrownBy(() -> KeyFiles.loadOrCreate(file, "host")).hasMessageContaining(file.toString());
        assertThat(Files.readString(file)).isEqualTo("not a key\n");
    }

    /** The embedded server's ECDSA and RSA host keys, like its Ed25519 one, are files OpenSSH's tools read. */
    @Test
    void ecdsaAndRsaKeysAreMadeInOpenSshsFormat(@TempDir Path dir) throws Exception {
        for (String[] kind : new String[][] {{"ecdsa-sha2-nistp256", "256"}, {"ssh-rsa", "3072"}}) {
            Path file = dir.resolve(kind[0]);
            KeyPair pair = KeyFiles.loadOrCreate(file, kind[0], Integer.parseInt(kind[1]), "host");
            assertThat(KeyFiles.publicLine(pair)).startsWith(kind[0] + " ");
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(KeyFiles.publicLine(KeyFiles.loadOrCreate(file, kind[0], Integer.parseInt(kind[1]), "host")))
                    .as("made once, then only read")
                    .isEqualTo(KeyFiles.publicLine(pair));
            Process p = new ProcessBuilder("ssh-keygen", "-y", "-f", file.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(out.strip()).startsWith(KeyFiles.publicLine(pair));
        }
    }
}

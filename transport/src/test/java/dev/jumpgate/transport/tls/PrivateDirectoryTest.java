package dev.jumpgate.transport.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateDirectoryTest {

    @TempDir
    Path tmp;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void aNewDirectoryAndItsFilesAreTheOwnersAloneFromTheStart() throws Exception {
        Path dir = PrivateDirectory.create(tmp.resolve("data"));
        PrivateDirectory.createFile(dir.resolve("state.db"));
        TlsIdentity.generate("test").save(dir.resolve("relay.key"), dir.resolve("relay.crt"));

        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("state.db"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("relay.key"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("relay.crt"))).isEqualTo("rw-------");
        assertThatCode(() -> PrivateDirectory.check(dir)).doesNotThrowAnyException();
    }

    @Test
    void anExistingDirectoryIsLeftAsItIs() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("data"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
        PrivateDirectory.create(dir);
        assertThat(mode(dir)).isEqualTo("rwxr-x---");
    }

    @Test
    void aDirectoryOthersMayEnterIsRefusedWithTheChmodThatFixesIt() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("data"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThatThrownBy(() -> PrivateDirectory.check(dir))
                .hasMessage(dir + " is readable by others (mode 0755); run chmod 700 " + dir);
    }

    /** As ssh refuses a private key others can read: every secret in the directory, whatever its name. */
    @Test
    void anyFileOthersMayReadOrWriteIsRefused() throws Exception {
        Path dir = PrivateDirectory.create(tmp.resolve("data"));
        Path db = Files.writeString(dir.resolve("state.db"), "");
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> PrivateDirectory.check(dir))
                .hasMessage(db + " is readable by others (mode 0644); run chmod 600 " + db);

        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-------"));
        Path hostKey = Files.writeString(dir.resolve("ssh_host_rsa_key"), "");
        Files.setPosixFilePermissions(hostKey, PosixFilePermissions.fromString("rw--w----"));
        assertThatThrownBy(() -> PrivateDirectory.check(dir))
                .hasMessage(hostKey + " is writable by others (mode 0620); run chmod 600 " + hostKey);
    }

    @Test
    void publicKeysAndCertificatesMayBeRead() throws Exception {
        Path dir = PrivateDirectory.create(tmp.resolve("data"));
        for (String name : new String[] {"ssh_host_ed25519_key.pub", "relay.crt"}) {
            Files.setPosixFilePermissions(
                    Files.writeString(dir.resolve(name), ""), PosixFilePermissions.fromString("rw-r--r--"));
        }
        assertThatCode(() -> PrivateDirectory.check(dir)).doesNotThrowAnyException();
    }
}

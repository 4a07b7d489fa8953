package dev.jumpgate.relay.bastion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostKeysTest {

    /** A relay from before it had three keys: its ECDSA key must stay what users' known_hosts hold. */
    @Test
    void theExistingEcdsaKeyStaysAndTheNewKeysJoinIt(@TempDir Path dir) throws Exception {
        SimpleGeneratorHostKeyProvider old = new SimpleGeneratorHostKeyProvider(dir.resolve("ssh_host_key"));
        old.setAlgorithm("EC");
        old.setKeySize(256);
        String known =
                PublicKeyEntry.toString(old.loadKeys(null).iterator().next().getPublic());

        List<String> lines = HostKeys.lines(HostKeys.loadOrCreate(dir));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo(known);
        assertThat(lines.get(1)).startsWith("ssh-ed25519 ");
        assertThat(lines.get(2)).startsWith("ssh-rsa ");
        assertThat(HostKeys.lines(HostKeys.loadOrCreate(dir)))
                .as("made once, then only read")
                .isEqualTo(lines);
        for (HostKeys.Kind kind : HostKeys.KINDS) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(kind.file())))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
    }

    /** A new key would make every user's ssh refuse the relay: a damaged file is an error, never replaced. */
    @Test
    void aDamagedKeyStopsTheStartAndIsLeftAsItIs(@TempDir Path dir) throws Exception {
        Path damaged = Files.writeString(dir.resolve("ssh_host_key"), "not a key\n");
        assertThatThrownBy(() -> HostKeys.loadOrCreate(dir))
                .hasMessageContaining(damaged.toString())
                .hasMessageContaining("restore it from a backup");
        assertThat(Files.readString(damaged)).isEqualTo("not a key\n");
    }
}

package dev.jumpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshIdentitiesTest {

    @Test
    void theKeyFilesSshWouldOfferAreThoseThatExistWithTildeAndTokensExpanded(@TempDir Path home) throws Exception {
        Path ssh = Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(ssh.resolve("id_ed25519"), "key");
        Files.writeString(ssh.resolve("relay_bob"), "key");
        Files.writeString(ssh.resolve("from_alice"), "key");
        String sshG = """
                user bob
                hostname relay.example.com
                port 2222
                identitiesonly yes
                identityfile ~/.ssh/relay_%r
                identityfile %d/.ssh/from_%u
                identityfile ~/.ssh/id_rsa
                identityfile ~/.ssh/id_ed25519
                identityfile ~/.ssh/odd_%C
                """;

        assertThat(SshIdentities.parse(sshG, home, "alice"))
                .containsExactly(ssh.resolve("relay_bob"), ssh.resolve("from_alice"), ssh.resolve("id_ed25519"));
    }

    @Test
    void noIdentityLinesMeansNoFiles(@TempDir Path home) {
        assertThat(SshIdentities.parse("user bob\nport 22\n", home, "alice")).isEmpty();
    }
}

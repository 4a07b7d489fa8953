package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jumpgate.client.keys.AgentSigner;
import dev.jumpgate.client.keys.KeyFileSigner;
import dev.jumpgate.transport.link.Signer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client signs with keys made by the real ssh-keygen, from files and through the real ssh-agent, and the
 * signatures verify the way the relay verifies them (MINA SSHD, as for SSH user authentication).
 */
class KeySignersTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "rsa", "ecdsa"})
    void keyFileSignaturesVerify(String type) throws Exception {
        Path key = keygen(type, "");
        Signer signer = KeyFileSigner.load(key);
        assertThat(signer.publicKey()).isEqualTo(publicBlob(key));
        assertThat(verifies(signer, "hello relay".getBytes())).isTrue();
    }

    @Test
    void encryptedKeyFilePointsToSshAgent() throws Exception {
        Path key = keygen("ed25519", "secret passphrase");
        assertThatThrownBy(() -> KeyFileSigner.load(key)).hasMessageContaining("ssh-add");
    }

    @Test
    void sshAgentKeysSignAndVerify() throws Exception {
        Path sock = dir.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", sock.toString())
                .redirectErrorStream(true)
                .start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(sock));
            Path ed = keygen("ed25519", "");
            Path rsa = keygen("rsa", "");
            for (Path k : List.of(ed, rsa)) {
                assertThat(new ProcessBuilder("env", "SSH_AUTH_SOCK=" + sock, "ssh-add", k.toString())
                                .redirectErrorStream(true)
                                .start()
                                .waitFor())
                        .isZero();
            }
            List<AgentSigner> keys = AgentSigner.keys(sock);
            assertThat(keys).hasSize(2);
            for (AgentSigner s : keys) {
                assertThat(verifies(s, "challenge".getBytes())).as(s.describe()).isTrue();
            }
        } finally {
            agent.destroy();
        }
    }

    private Path keygen(String type, String passphrase) throws Exception {
        Path key = dir.resolve("id_" + type + (passphrase.isEmpty() ? "" : "_enc"));
        Lab.run(List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-f", key.toString()));
        return key;
    }

    private static byte[] publicBlob(Path key) throws Exception {
        return Base64.getDecoder()
                .decode(Files.readString(Path.of(key + ".pub")).split(" ")[1]);
    }

    private static boolean verifies(Signer signer, byte[] data) throws Exception {
        PublicKey key = new ByteArrayBuffer(signer.publicKey()).getRawPublicKey();
        byte[] blob = signer.sign(data);
        String algorithm = new ByteArrayBuffer(blob).getString();
        assertThat(KeyUtils.getCanonicalKeyType(algorithm)).isEqualTo(KeyUtils.getKeyType(key));
        assertThat(algorithm).isNotEqualTo("ssh-rsa"); // never SHA-1
        Signature v = BuiltinSignatures.fromFactoryName(algorithm).create();
        v.initVerifier(null, key);
        v.update(null, data);
        return v.verify(null, blob);
    }
}

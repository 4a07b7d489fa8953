package dev.jumpgate.client.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where the client reads a user's key from: an OpenSSH private key file, and ssh-agent's answers. Damaged input
 * of either ends in an {@link IOException} that names the problem, never in another exception that would print
 * a stack trace instead of a message.
 */
class KeySourcesFuzzTest {

    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("jumpgate-keyfuzz");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The input is the decoded body of the key file: the binary openssh-key-v1 structure. */
    @FuzzTest(maxDuration = "10s")
    void keyFile(byte[] body) throws IOException {
        Path file = DIR.resolve("id_fuzz");
        Files.writeString(
                file,
                "-----BEGIN OPENSSH PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder().encodeToString(body) + "\n-----END OPENSSH PRIVATE KEY-----\n");
        KeyFileSigner signer;
        try {
            signer = KeyFileSigner.load(file);
        } catch (IOException e) {
            assertThat(e.getMessage()).contains(file.toString());
            return;
        }
        try {
            byte[] signature = signer.sign(new byte[] {1, 2, 3});
            assertThat(signature).isNotEmpty();
        } catch (IOException e) {
            assertThat(e.getMessage()).contains("signing with");
        }
    }

    /** The input is everything a (broken or hostile) ssh-agent sends back to REQUEST_IDENTITIES. */
    @FuzzTest(maxDuration = "10s")
    void agentIdentitiesAnswer(byte[] answer) throws Exception {
        Path socket = DIR.resolve("agent.sock");
        Files.deleteIfExists(socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            CompletableFuture<Void> agent = CompletableFuture.runAsync(() -> {
                try (SocketChannel ch = server.accept()) {
                    ch.read(ByteBuffer.allocate(64));
                    ByteBuffer out = ByteBuffer.wrap(answer);
                    while (out.hasRemaining()) {
                        ch.write(out);
                    }
                } catch (IOException e) {
                    // the client hung up first
                }
            });
            try {
                List<AgentSigner> keys = AgentSigner.keys(socket);
                assertThat(keys.size()).isLessThanOrEqualTo(100);
                for (AgentSigner k : keys) {
                    try {
                        assertThat(k.describe()).contains("from ssh-agent");
                    } catch (RuntimeException e) {
                        throw new AssertionError("describing a key the agent listed failed", e);
                    }
                }
            } catch (IOException e) {
                assertThat(e.getMessage()).contains("ssh-agent");
            }
            agent.get(10, TimeUnit.SECONDS);
        }
    }
}

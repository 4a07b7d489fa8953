package dev.jumpgate.client.keys;

import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.MalformedException;
import dev.jumpgate.protocol.WireReader;
import dev.jumpgate.protocol.WireWriter;
import dev.jumpgate.transport.link.Signer;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A key held by a running ssh-agent: the client never sees the private key, the agent signs. Speaks the agent
 * protocol (draft-miller-ssh-agent) over {@code $SSH_AUTH_SOCK}:
 *
 * <pre>
 *   message     = uint32 length | byte type | payload
 *   11 REQUEST_IDENTITIES              → 12 IDENTITIES_ANSWER uint32 n, n × (string key blob, string comment)
 *   13 SIGN_REQUEST string key blob, string data, uint32 flags   → 14 SIGN_RESPONSE string signature
 *   5  FAILURE
 * </pre>
 */
public final class AgentSigner implements Signer {

    private static final int FAILURE = 5;
    private static final int REQUEST_IDENTITIES = 11;
    private static final int IDENTITIES_ANSWER = 12;
    private static final int SIGN_REQUEST = 13;
    private static final int SIGN_RESPONSE = 14;
    /** For RSA keys: sign with rsa-sha2-256, not the SHA-1 "ssh-rsa" that OpenSSH no longer accepts. */
    private static final int RSA_SHA2_256 = 2;

    private static final int MAX_MESSAGE = 256 * 1024;

    private final Path socket;
    private final byte[] publicKey;
    private final String comment;

    private AgentSigner(Path socket, byte[] publicKey, String comment) {
        this.socket = socket;
        this.publicKey = publicKey;
        this.comment = comment;
    }

    /** The keys the agent at {@code socket} holds; empty if it holds none. */
    public static List<AgentSigner> keys(Path socket) throws IOException {
        WireReader r = new WireReader(call(socket, new byte[] {REQUEST_IDENTITIES}, IDENTITIES_ANSWER));
        List<AgentSigner> keys = new ArrayList<>();
        try {
            long n = r.u32("key count");
            for (long i = 0; i < n && i < 100; i++) {
                byte[] blob = r.fixed((int) r.u32("key length"), "key");
                String comment = new String(r.fixed((int) r.u32("comment length"), "comment"), StandardCharsets.UTF_8);
                AgentSigner key = new AgentSigner(socket, blob, comment);
                key.keyType(); // a blob without a readable type would fail later, far from here
                keys.add(key);
            }
        } catch (MalformedException e) {
            throw new IOException("ssh-agent sent a malformed list of keys: " + e.getMessage(), e);
        }
        return keys;
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] sign(byte[] data) throws IOException {
        int flags = keyType().equals("ssh-rsa") ? RSA_SHA2_256 : 0;
        byte[] request = new WireWriter()
                .u8(SIGN_REQUEST)
                .u32(publicKey.length)
                .fixed(publicKey)
                .u32(data.length)
                .fixed(data)
                .u32(flags)
                .toByteArray();
        WireReader r = new WireReader(call(socket, request, SIGN_RESPONSE));
        try {
            return r.fixed((int) r.u32("signature length"), "signature");
        } catch (MalformedException e) {
            throw new IOException("ssh-agent sent a malformed signature: " + e.getMessage(), e);
        }
    }

    String keyType() {
        WireReader r = new WireReader(publicKey);
        return new String(r.fixed((int) r.u32("key type length"), "key type"), StandardCharsets.US_ASCII);
    }

    @Override
    public String describe() {
        return keyType() + " key " + Fingerprint.of(publicKey) + " (" + comment + ", from ssh-agent)";
    }

    private static byte[] call(Path socket, byte[] request, int expected) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.allocate(4 + request.length)
                    .putInt(request.length)
                    .put(request)
                    .flip();
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ByteBuffer len = readFully(ch, 4);
            int n = len.getInt();
            if (n <= 0 || n > MAX_MESSAGE) {
                throw new IOException("ssh-agent sent a message of " + n + " bytes");
            }
            ByteBuffer body = readFully(ch, n);
            int type = body.get() & 0xff;
            if (type == FAILURE) {
                throw new IOException("ssh-agent refused (is the key still loaded? is it confirm-only?)");
            }
            if (type != expected) {
                throw new IOException("ssh-agent answered message type " + type + ", expected " + expected);
            }
            byte[] payload = new byte[body.remaining()];
            body.get(payload);
            return payload;
        } catch (MalformedException e) {
            throw new IOException("ssh-agent sent a malformed answer: " + e.getMessage(), e);
        }
    }

    private static ByteBuffer readFully(SocketChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new IOException("ssh-agent closed the connection");
            }
        }
        return b.flip();
    }
}

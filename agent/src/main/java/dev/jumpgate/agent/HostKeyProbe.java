package dev.jumpgate.agent;

import dev.jumpgate.protocol.HostPort;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.KeyAgreement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns the SSH host keys the device's target actually presents, by starting a key exchange with it once per
 * host key algorithm and keeping the key it shows. Asking the server itself, rather than reading
 * /etc/ssh/*.pub, works for any sshd, any config and any user, and reports exactly what clients will see.
 * Algorithms the server's first key exchange did not offer are not tried: each such attempt is a failed
 * negotiation in the server's log.
 *
 * <p>Only the first half of a key exchange is needed (RFC 4253 section 7, with the ECDH of RFC 5656 and RFC 8731):
 * both KEXINITs, the ephemeral keys, and the server's reply, whose signature over the exchange hash proves the key
 * is the server's. That takes the JDK alone; an SSH library here would stay loaded for the agent's whole life.
 */
public final class HostKeyProbe {

    private static final Logger log = LoggerFactory.getLogger(HostKeyProbe.class);
    private static final List<String> ALGORITHMS = List.of("ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String VERSION = "SSH-2.0-jumpgate_probe";
    private static final String KEX = "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256";
    // Never used (the exchange stops before NEWKEYS), offered so that any server finds something in common.
    private static final String CIPHERS =
            "chacha20-poly1305@openssh.com,aes128-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com";
    private static final String MACS = "hmac-sha2-256-etm@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1";
    private static final int KEXINIT = 20;
    private static final int KEX_ECDH_INIT = 30;
    private static final int KEX_ECDH_REPLY = 31;
    private static final int MAX_PACKET = 256 * 1024;
    // X.509 SubjectPublicKeyInfo prefixes of raw public keys, for the JDK's key factories
    private static final byte[] X25519_SPKI = HexFormat.of().parseHex("302a300506032b656e032100");
    private static final byte[] ED25519_SPKI = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final byte[] P256_SPKI =
            HexFormat.of().parseHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");
    private static final SecureRandom RANDOM = new SecureRandom();

    private HostKeyProbe() {}

    /** The target's host keys as OpenSSH public key lines ("ssh-ed25519 AAAA..."), possibly empty. */
    public static List<String> probe(HostPort target) {
        // An agent probes before every dial: with no sshd up, a plain connect answers the same for less.
        if (PortCheck.refuses(target, TIMEOUT)) {
            log.debug("cannot read SSH host keys from {}: connection refused", target); // the caller says it once
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        List<String> offered = null;
        try {
            for (String algorithm : ALGORITHMS) {
                if (offered != null && !offered.contains(algorithm)) {
                    continue;
                }
                Exchange x = exchange(target, algorithm);
                offered = x.offered();
                if (x.key() != null && !keys.contains(x.key())) {
                    keys.add(x.key());
                }
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // A probe that fails in any way leaves the Hello without keys; it must never end the agent's loop.
            log.warn("cannot read SSH host keys from {}: {}", target, e.toString());
        }
        return keys;
    }

    /** What one exchange learnt: the server's host key algorithms, and its key for ours (null if none). */
    private record Exchange(List<String> offered, String key) {}

    private static Exchange exchange(HostPort target, String algorithm) throws IOException, GeneralSecurityException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(target.host(), target.port()), (int) TIMEOUT.toMillis());
            s.setSoTimeout((int) TIMEOUT.toMillis());
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] clientInit = kexInit(algorithm);
            out.write((VERSION + "\r\n").getBytes(StandardCharsets.US_ASCII));
            writePacket(out, clientInit);
            out.flush();
            String serverVersion = versionLine(in);
            byte[] serverInit = readPacket(in);
            Reader r = new Reader(serverInit);
            r.skip(1 + 16); // type, cookie
            List<String> kexes = r.names();
            List<String> offered = r.names();
            if (!offered.contains(algorithm)) {
                return new Exchange(offered, null);
            }
            String kex = null;
            for (String k : KEX.split(",")) {
                if (kexes.contains(k)) {
                    kex = k;
                    break;
                }
            }
            if (kex == null) {
                throw new IOException("no key exchange in common (server offers " + kexes + ")");
            }
            boolean x25519 = kex.startsWith("curve25519");
            KeyPairGenerator gen = KeyPairGenerator.getInstance(x25519 ? "XDH" : "EC");
            gen.initialize(x25519 ? NamedParameterSpec.X25519 : new ECGenParameterSpec("secp256r1"));
            KeyPair mine = gen.generateKeyPair();
            byte[] encoded = mine.getPublic().getEncoded();
            byte[] qc = Arrays.copyOfRange(encoded, encoded.length - (x25519 ? 32 : 65), encoded.length);
            Writer init = new Writer().u8(KEX_ECDH_INIT).string(qc);
            writePacket(out, init.bytes());
            out.flush();
            Reader reply = new Reader(readPacket(in));
            reply.skip(1);
            byte[] ks = reply.string();
            byte[] qs = reply.string();
            byte[] sig = reply.string();

            KeyAgreement agreement = KeyAgreement.getInstance(x25519 ? "XDH" : "ECDH");
            agreement.init(mine.getPrivate());
            agreement.doPhase(spki(x25519 ? "XDH" : "EC", x25519 ? X25519_SPKI : P256_SPKI, qs), true);
            byte[] secret = agreement.generateSecret();
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(new Writer()
                            .string(VERSION.getBytes(StandardCharsets.US_ASCII))
                            .string(serverVersion.getBytes(StandardCharsets.US_ASCII))
                            .string(clientInit)
                            .string(serverInit)
                            .string(ks)
                            .string(qc)
                            .string(qs)
                            .mpint(new BigInteger(1, secret))
                            .bytes());
            String type = new String(new Reader(ks).string(), StandardCharsets.US_ASCII);
            if (!verify(algorithm, ks, sig, h)) {
                throw new IOException("the server's " + type + " key did not sign the key exchange");
            }
            return new Exchange(offered, type + " " + Base64.getEncoder().encodeToString(ks));
        }
    }

    private static byte[] kexInit(String algorithm) {
        byte[] cookie = new byte[16];
        RANDOM.nextBytes(cookie);
        return new Writer()
                .u8(KEXINIT)
                .raw(cookie)
                .string(KEX)
                .string(algorithm)
                .string(CIPHERS)
                .string(CIPHERS)
                .string(MACS)
                .string(MACS)
                .string("none")
                .string("none")
                .string("")
                .string("")
                .u8(0) // first_kex_packet_follows
                .u32(0)
                .bytes();
    }

    /** Whether {@code sig} (an SSH signature blob) is {@code ks}'s signature of {@code h} with {@code algorithm}. */
    private static boolean verify(String algorithm, byte[] ks, byte[] sig, byte[] h)
            throws IOException, GeneralSecurityException {
        Reader key = new Reader(ks);
        String keyType = new String(key.string(), StandardCharsets.US_ASCII);
        Reader blob = new Reader(sig);
        String sigType = new String(blob.string(), StandardCharsets.US_ASCII);
        byte[] sigBytes = blob.string();
        if (!sigType.equals(algorithm)) {
            return false;
        }
        Signature verifier;
        PublicKey pub;
        switch (algorithm) {
            case "ssh-ed25519" -> {
                if (!keyType.equals(algorithm)) {
                    return false;
                }
                pub = spki("Ed25519", ED25519_SPKI, key.string());
                verifier = Signature.getInstance("Ed25519");
            }
            case "ecdsa-sha2-nistp256" -> {
                if (!keyType.equals(algorithm)
                        || !"nistp256".equals(new String(key.string(), StandardCharsets.US_ASCII))) {
                    return false;
                }
                pub = spki("EC", P256_SPKI, key.string());
                Reader rs = new Reader(sigBytes);
                sigBytes = new byte[64];
                fixed(rs.string(), sigBytes, 0);
                fixed(rs.string(), sigBytes, 32);
                verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
            }
            case "rsa-sha2-512" -> {
                if (!keyType.equals("ssh-rsa")) {
                    return false;
                }
                BigInteger e = new BigInteger(key.string());
                BigInteger n = new BigInteger(key.string());
                pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
                verifier = Signature.getInstance("SHA512withRSA");
            }
            default -> {
                return false;
            }
        }
        verifier.initVerify(pub);
        verifier.update(h);
        return verifier.verify(sigBytes);
    }

    /** An mpint's magnitude, right-aligned into 32 bytes of {@code to} at {@code at}. */
    private static void fixed(byte[] mpint, byte[] to, int at) throws GeneralSecurityException {
        byte[] m = new BigInteger(mpint).toByteArray();
        int skip = m.length > 32 && m[0] == 0 ? 1 : 0;
        if (m.length - skip > 32) {
            throw new GeneralSecurityException("ECDSA signature value too long");
        }
        System.arraycopy(m, skip, to, at + 32 - (m.length - skip), m.length - skip);
    }

    private static PublicKey spki(String algorithm, byte[] prefix, byte[] raw) throws GeneralSecurityException {
        byte[] der = Arrays.copyOf(prefix, prefix.length + raw.length);
        System.arraycopy(raw, 0, der, prefix.length, raw.length);
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
    }

    /** The server's identification line; lines before it (RFC 4253 4.2 allows some) are skipped. */
    private static String versionLine(InputStream in) throws IOException {
        for (int lines = 0; lines < 64; lines++) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new EOFException("the server closed before identifying itself");
                }
                if (line.size() > 1024) {
                    throw new IOException("the server's identification line is too long");
                }
                line.write(c);
            }
            String s = line.toString(StandardCharsets.US_ASCII);
            if (s.endsWith("\r")) {
                s = s.substring(0, s.length() - 1);
            }
            if (s.startsWith("SSH-")) {
                return s;
            }
        }
        throw new IOException("the server sent no SSH identification");
    }

    /** The payload of the next packet other than IGNORE, DEBUG and UNIMPLEMENTED (no keys are in force yet). */
    private static byte[] readPacket(DataInputStream in) throws IOException {
        while (true) {
            int length = in.readInt();
            if (length < 5 || length > MAX_PACKET) {
                throw new IOException("bad SSH packet length " + length);
            }
            byte[] packet = new byte[length];
            in.readFully(packet);
            int padding = packet[0] & 0xff;
            if (padding + 1 >= length) {
                throw new IOException("bad SSH packet padding");
            }
            byte[] payload = Arrays.copyOfRange(packet, 1, length - padding);
            int type = payload[0] & 0xff;
            if (type == 1) { // DISCONNECT
                throw new IOException("the server disconnected");
            }
            if (type != 2 && type != 3 && type != 4) {
                return payload;
            }
        }
    }

    private static void writePacket(OutputStream out, byte[] payload) throws IOException {
        int padding = 8 - (5 + payload.length) % 8;
        if (padding < 4) {
            padding += 8;
        }
        byte[] pad = new byte[padding];
        RANDOM.nextBytes(pad);
        out.write(new Writer()
                .u32(1 + payload.length + padding)
                .u8(padding)
                .raw(payload)
                .raw(pad)
                .bytes());
    }

    private static final class Writer {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Writer u8(int v) {
            b.write(v);
            return this;
        }

        Writer u32(int v) {
            b.write(v >>> 24);
            b.write(v >>> 16);
            b.write(v >>> 8);
            b.write(v);
            return this;
        }

        Writer raw(byte[] v) {
            b.writeBytes(v);
            return this;
        }

        Writer string(byte[] v) {
            return u32(v.length).raw(v);
        }

        Writer string(String v) {
            return string(v.getBytes(StandardCharsets.US_ASCII));
        }

        Writer mpint(BigInteger v) {
            return string(v.signum() == 0 ? new byte[0] : v.toByteArray());
        }

        byte[] bytes() {
            return b.toByteArray();
        }
    }

    private static final class Reader {
        private final ByteBuffer b;

        Reader(byte[] data) {
            b = ByteBuffer.wrap(data);
        }

        void skip(int n) throws IOException {
            if (b.remaining() < n) {
                throw new IOException("truncated SSH message");
            }
            b.position(b.position() + n);
        }

        byte[] string() throws IOException {
            if (b.remaining() < 4) {
                throw new IOException("truncated SSH message");
            }
            int n = b.getInt();
            if (n < 0 || n > b.remaining()) {
                throw new IOException("truncated SSH message");
            }
            byte[] v = new byte[n];
            b.get(v);
            return v;
        }

        List<String> names() throws IOException {
            return List.of(new String(string(), StandardCharsets.US_ASCII).split(","));
        }
    }
}

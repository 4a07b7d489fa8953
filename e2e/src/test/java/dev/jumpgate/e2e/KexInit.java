package dev.jumpgate.e2e;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scripted SSH client that goes as far as the server's SSH_MSG_KEXINIT, which is sent in the clear, and reads
 * what the server offers. It can say it is any client and send a KEXINIT of its own first, to see how the server
 * shapes its offer.
 *
 * <pre>
 *   KEXINIT payload: byte 20, byte[16] cookie, 10 name-lists (uint32 length + comma-separated ASCII):
 *   kex, host key, cipher c2s, cipher s2c, MAC c2s, MAC s2c, compression c2s, s2c, language c2s, s2c,
 *   boolean first_kex_packet_follows, uint32 0
 * </pre>
 */
record KexInit(String identification, Map<String, List<String>> lists) {

    static final List<String> NAMES = List.of(
            "kex",
            "hostkey",
            "cipher.c2s",
            "cipher.s2c",
            "mac.c2s",
            "mac.s2c",
            "compression.c2s",
            "compression.s2c",
            "language.c2s",
            "language.s2c");

    List<String> get(String name) {
        return lists.get(name);
    }

    /** The server's identification and offer, as a client that says {@code identification} and sends nothing else. */
    static KexInit offer(int port, String identification) throws IOException {
        return offer(port, identification, null);
    }

    /** As {@link #offer(int, String)}, having sent a KEXINIT that lists {@code ciphers} when they are not null. */
    static KexInit offer(int port, String identification, List<String> ciphers) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            out.write((identification + "\r\n").getBytes(StandardCharsets.US_ASCII));
            if (ciphers != null) {
                out.write(packet(clientKexInit(ciphers)));
            }
            out.flush();
            String banner = line(in);
            while (!banner.startsWith("SSH-")) {
                banner = line(in);
            }
            DataInputStream data = new DataInputStream(in);
            int length = data.readInt();
            byte[] packet = new byte[length];
            data.readFully(packet);
            byte[] payload = Arrays.copyOfRange(packet, 1, length - (packet[0] & 0xff));
            if (payload[0] != 20) {
                throw new IOException("expected SSH_MSG_KEXINIT, got message " + payload[0]);
            }
            DataInputStream p = new DataInputStream(new ByteArrayInputStream(payload, 17, payload.length - 17));
            Map<String, List<String>> lists = new LinkedHashMap<>();
            for (String name : NAMES) {
                byte[] text = new byte[p.readInt()];
                p.readFully(text);
                String joined = new String(text, StandardCharsets.US_ASCII);
                lists.put(name, joined.isEmpty() ? List.of() : List.of(joined.split(",")));
            }
            return new KexInit(banner, lists);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the server closed before its identification");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    private static byte[] clientKexInit(List<String> ciphers) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeByte(20);
        d.write(new byte[16]);
        String c = String.join(",", ciphers);
        for (String list : List.of(
                "curve25519-sha256,kex-strict-c-v00@openssh.com",
                "ssh-ed25519",
                c,
                c,
                "hmac-sha2-256-etm@openssh.com",
                "hmac-sha2-256-etm@openssh.com",
                "none",
                "none",
                "",
                "")) {
            byte[] bytes = list.getBytes(StandardCharsets.US_ASCII);
            d.writeInt(bytes.length);
            d.write(bytes);
        }
        d.writeBoolean(false);
        d.writeInt(0);
        return b.toByteArray();
    }

    /** The unencrypted binary packet: uint32 length, byte padding length, payload, padding to 8 bytes (at least 4). */
    private static byte[] packet(byte[] payload) throws IOException {
        int padding = 8 - (5 + payload.length) % 8;
        if (padding < 4) {
            padding += 8;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(1 + payload.length + padding);
        d.writeByte(padding);
        d.write(payload);
        d.write(new byte[padding]);
        return b.toByteArray();
    }
}

package dev.jumpgate.e2e;

import dev.jumpgate.agent.AgentState;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.protocol.LinkCodec;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.transport.link.Signer;
import dev.jumpgate.transport.tls.PinnedTrustManager;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * A peer that is admitted properly (pinned TLS 1.3, the agent's enrolled key or the user's signed login, Welcome)
 * and then writes whatever HTTP/2 bytes a test gives it, over the JDK's own TLS socket. Frames are built by hand
 * ({@link H2}) so that they can break every rule a codec would keep.
 */
final class HostileLink implements AutoCloseable {

    /** How the link ended: closed by the relay (with its GOAWAY error code, if it sent one) or still open. */
    record Outcome(boolean closed, long millis, String goAway) {}

    /** The client's HTTP/2 connection preface (RFC 9113 §3.4). */
    private static final byte[] CLIENT_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final SSLSocket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private HostileLink(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
    }

    /**
     * Links as the enrolled agent whose state is in {@code agentState} (its key in TLS, its Hello), and starts
     * HTTP/2 as the agent does: as the server, its preface one SETTINGS frame.
     */
    static HostileLink agent(String linkHost, Path agentState) throws Exception {
        AgentState s = AgentState.load(agentState);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("agent", s.identity().key(), new char[0], new Certificate[] {
            s.identity().certificate()
        });
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        HostileLink link = open(linkHost, s.relay(), s.relayPin(), kmf.getKeyManagers());
        link.out.write(LinkCodec.MAGIC);
        link.writeFrame(new LinkMessage.Hello(s.device(), new byte[0], List.of(), "hostile"));
        link.expectWelcome();
        link.in.readFully(new byte[CLIENT_PREFACE.length]); // the relay is the HTTP/2 client here
        link.send(H2.frame(H2.SETTINGS, 0, 0, new byte[0]));
        return link;
    }

    /** Logs in as {@code user} with {@code signer}'s key, as the client does, and sends the client's preface. */
    static HostileLink client(String linkHost, HostPort relay, Fingerprint pin, String user, Signer signer)
            throws Exception {
        HostileLink link = open(linkHost, relay, pin, null);
        link.out.write(LinkCodec.CLIENT_MAGIC);
        link.out.flush();
        if (!(link.readFrame() instanceof LinkMessage.Challenge c)) {
            throw new AssertionError("the relay did not send a Challenge");
        }
        link.writeFrame(new LinkMessage.Login(
                user, signer.publicKey(), signer.sign(LinkMessage.Login.signedData(c.nonce(), pin)), "hostile"));
        link.expectWelcome();
        link.send(CLIENT_PREFACE, H2.frame(H2.SETTINGS, 0, 0, new byte[0]));
        return link;
    }

    private static HostileLink open(String linkHost, HostPort relay, Fingerprint pin, KeyManager[] keys)
            throws Exception {
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(keys, new TrustManager[] {new PinnedTrustManager(pin)}, new SecureRandom());
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(linkHost, relay.port());
        s.setSoTimeout(10_000);
        s.startHandshake();
        return new HostileLink(s);
    }

    private void writeFrame(LinkMessage m) throws IOException {
        byte[] body = LinkCodec.encode(m);
        out.write(ByteBuffer.allocate(4).putInt(body.length).array());
        out.write(body);
        out.flush();
    }

    private LinkMessage readFrame() throws IOException {
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return LinkCodec.decode(body);
    }

    private void expectWelcome() throws IOException {
        LinkMessage m = readFrame();
        if (!(m instanceof LinkMessage.Welcome)) {
            throw new AssertionError("the relay did not welcome the hostile peer: " + m);
        }
    }

    /** Writes {@code chunks}; false when the relay had closed the link before all of it was written. */
    boolean send(byte[]... chunks) {
        try {
            for (byte[] c : chunks) {
                out.write(c);
            }
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads the relay's frames until it closes the link or {@code bound} has passed since {@code start} (a
     * {@link System#nanoTime}), noting its GOAWAY. What the relay sent before (PING answers, SETTINGS acks) is
     * read and dropped only now, so a flood's answers were unread while it lasted.
     */
    Outcome awaitClosed(Duration bound, long start) throws IOException {
        String goAway = "none";
        socket.setSoTimeout((int) Math.max(1, bound.toMillis() - (System.nanoTime() - start) / 1_000_000));
        try {
            while (System.nanoTime() - start < bound.toNanos()) {
                Frame f = read();
                if (f.type() == H2.GOAWAY && f.payload().length >= 8) {
                    goAway = H2.errorName(ByteBuffer.wrap(f.payload(), 4, 4).getInt());
                }
            }
        } catch (SocketTimeoutException e) {
            return new Outcome(false, (System.nanoTime() - start) / 1_000_000, goAway);
        } catch (EOFException | SocketException | SSLException e) {
            return new Outcome(true, (System.nanoTime() - start) / 1_000_000, goAway);
        }
        return new Outcome(false, (System.nanoTime() - start) / 1_000_000, goAway);
    }

    /** One frame from the relay. */
    record Frame(int type, int flags, int stream, byte[] payload) {

        /** The error code of a RST_STREAM or GOAWAY. */
        String error() {
            return H2.errorName(
                    ByteBuffer.wrap(payload, type == H2.GOAWAY ? 4 : 0, 4).getInt());
        }
    }

    Frame read() throws IOException {
        byte[] header = new byte[9];
        in.readFully(header);
        int length = (header[0] & 255) << 16 | (header[1] & 255) << 8 | header[2] & 255;
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame(header[3], header[4], ByteBuffer.wrap(header, 5, 4).getInt() & 0x7fffffff, payload);
    }

    /** Reads (and drops) frames until one of {@code type} arrives; the relay's PINGs are answered meanwhile. */
    Frame awaitFrame(int type) throws IOException {
        while (true) {
            Frame f = read();
            if (f.type() == type) {
                return f;
            }
            if (f.type() == H2.PING && (f.flags() & H2.ACK) == 0) {
                send(H2.frame(H2.PING, H2.ACK, 0, f.payload()));
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Raw HTTP/2 frames (RFC 9113 §4.1): {@code u24 length | u8 type | u8 flags | u31 stream | payload}. */
    static final class H2 {
        static final int DATA = 0x0;
        static final int HEADERS = 0x1;
        static final int RST_STREAM = 0x3;
        static final int SETTINGS = 0x4;
        static final int PING = 0x6;
        static final int GOAWAY = 0x7;
        static final int WINDOW_UPDATE = 0x8;
        static final int CONTINUATION = 0x9;
        static final int END_STREAM = 0x1;
        static final int ACK = 0x1;
        static final int END_HEADERS = 0x4;
        private static final List<String> ERRORS = List.of(
                "NO_ERROR",
                "PROTOCOL_ERROR",
                "INTERNAL_ERROR",
                "FLOW_CONTROL_ERROR",
                "SETTINGS_TIMEOUT",
                "STREAM_CLOSED",
                "FRAME_SIZE_ERROR",
                "REFUSED_STREAM",
                "CANCEL",
                "COMPRESSION_ERROR",
                "CONNECT_ERROR",
                "ENHANCE_YOUR_CALM",
                "INADEQUATE_SECURITY",
                "HTTP_1_1_REQUIRED");

        private H2() {}

        static byte[] frame(int type, int flags, int stream, byte[] payload) {
            return ByteBuffer.allocate(9 + payload.length)
                    .put((byte) (payload.length >> 16))
                    .put((byte) (payload.length >> 8))
                    .put((byte) payload.length)
                    .put((byte) type)
                    .put((byte) flags)
                    .putInt(stream)
                    .put(payload)
                    .array();
        }

        static byte[] u32(long v) {
            return ByteBuffer.allocate(4).putInt((int) v).array();
        }

        /** {@code n} copies of {@code frame}, back to back. */
        static byte[] repeat(byte[] frame, int n) {
            ByteBuffer b = ByteBuffer.allocate(frame.length * n);
            for (int i = 0; i < n; i++) {
                b.put(frame);
            }
            return b.array();
        }

        /**
         * An HPACK header block of literal fields without indexing and with new names (RFC 7541 §6.2.2), lengths
         * below 127 only: enough for the few short headers these tests send.
         */
        static byte[] headers(String... namesAndValues) {
            ByteBuffer b = ByteBuffer.allocate(4096);
            for (int i = 0; i < namesAndValues.length; i += 2) {
                b.put((byte) 0);
                for (String s : List.of(namesAndValues[i], namesAndValues[i + 1])) {
                    byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1); // one byte a char, as HPACK carries it
                    b.put((byte) bytes.length).put(bytes);
                }
            }
            byte[] out = new byte[b.position()];
            b.flip().get(out);
            return out;
        }

        static String errorName(int code) {
            return code >= 0 && code < ERRORS.size() ? ERRORS.get(code) : "0x" + Integer.toHexString(code);
        }
    }
}

package dev.jumpgate.client.mux;

import dev.jumpgate.client.StreamRefusedException;
import dev.jumpgate.transport.StartupTrace;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code jumpgate proxy}'s side of the mux's socket: plain blocking I/O and no Netty, since this runs once per
 * ssh connection and should load as few classes as it can. One thread copies stdin to the socket; the caller's
 * thread unframes the stream's bytes to stdout.
 */
public final class MuxDial implements AutoCloseable {

    private static final int CHUNK = 64 * 1024;

    private final SocketChannel socket;
    /** Bytes read from the socket and not yet used; flipped (ready to read) between calls. */
    private final ByteBuffer in = ByteBuffer.allocateDirect(4 * CHUNK).flip();

    private MuxDial(SocketChannel socket) {
        this.socket = socket;
    }

    /** Connects to the mux at {@code where}; empty if none listens there. */
    public static Optional<MuxDial> connect(MuxSocket where) {
        SocketChannel s = null;
        try {
            s = SocketChannel.open(StandardProtocolFamily.UNIX);
            s.connect(UnixDomainSocketAddress.of(where.socket()));
            return Optional.of(new MuxDial(s));
        } catch (IOException e) {
            closeQuietly(s);
            return Optional.empty();
        }
    }

    /**
     * Asks the mux for a stream. False: the mux could not (its link is down, or it went away before answering);
     * the caller dials the relay itself. Throws only the relay's refusal.
     */
    public boolean open(String device, int port) throws StreamRefusedException {
        String answer;
        try {
            send("open " + device + " " + port);
            answer = readLine();
        } catch (IOException e) {
            return false;
        }
        StartupTrace.mark("mux-answer");
        if (answer.equals("ok")) {
            return true;
        }
        if (answer.startsWith("refused ")) {
            String[] statusReason = answer.substring("refused ".length()).split(" ", 2);
            throw new StreamRefusedException(statusReason[0], statusReason.length > 1 ? statusReason[1] : "refused");
        }
        return false;
    }

    /** One request with a one-line answer ({@code status}, {@code stop}). */
    public String ask(String request) throws IOException {
        send(request);
        return readLine();
    }

    private void send(String line) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            socket.write(b);
        }
    }

    /**
     * Joins the opened stream to {@code stdin} and {@code stdout} until both directions are done. Returns normally
     * when the stream ended cleanly; throws if it broke or the mux went away.
     */
    public void bridge(ReadableByteChannel stdin, WritableByteChannel stdout) throws IOException, InterruptedException {
        Thread pump = Thread.ofPlatform().daemon().name("stdin").start(() -> pumpStdin(stdin));
        unframe(stdout);
        stdout.close(); // ssh sees EOF on the proxy's stdout
        pump.join();
    }

    private void pumpStdin(ReadableByteChannel stdin) {
        ByteBuffer length = ByteBuffer.allocateDirect(4);
        ByteBuffer b = ByteBuffer.allocateDirect(CHUNK);
        ByteBuffer[] frame = {length, b};
        try {
            while (stdin.read(b) >= 0) {
                b.flip();
                StartupTrace.mark("first-byte-in");
                length.clear().putInt(b.remaining()).flip();
                while (b.hasRemaining()) {
                    socket.write(frame);
                }
                b.clear();
            }
            length.clear().putInt(MuxProtocol.END).flip();
            while (length.hasRemaining()) {
                socket.write(length);
            }
        } catch (IOException e) {
            // The socket closed under us (the stream broke, and unframe says so) or stdin failed: either way, done.
            closeQuietly(socket);
        }
    }

    private void unframe(WritableByteChannel stdout) throws IOException {
        while (true) {
            fill(4);
            int length = in.getInt();
            if (length == MuxProtocol.END) {
                return;
            }
            if (length == MuxProtocol.BROKE) {
                throw new IOException("the stream to the device broke: " + readLine());
            }
            if (length < 0 || length > MuxProtocol.MAX_FRAME) {
                throw new IOException("the mux sent a frame of " + Integer.toUnsignedString(length) + " bytes");
            }
            while (length > 0) {
                if (!in.hasRemaining()) {
                    fill(1);
                }
                int n = Math.min(length, in.remaining());
                ByteBuffer part = in.slice(in.position(), n);
                while (part.hasRemaining()) {
                    stdout.write(part);
                }
                StartupTrace.mark("first-byte-out");
                in.position(in.position() + n);
                length -= n;
            }
        }
    }

    /** Reads until at least {@code n} bytes are buffered. */
    private void fill(int n) throws IOException {
        while (in.remaining() < n) {
            in.compact();
            int read;
            try {
                read = socket.read(in);
            } finally {
                in.flip();
            }
            if (read < 0) {
                throw new EOFException("the jumpgate mux closed the connection (its log: `jumpgate mux status`)");
            }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            fill(1);
            byte b = in.get();
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() >= MuxProtocol.MAX_LINE) {
                throw new IOException("the mux sent a line longer than " + MuxProtocol.MAX_LINE + " bytes");
            }
            line.write(b);
        }
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(SocketChannel s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}

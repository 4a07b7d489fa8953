package dev.jumpgate.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A service on the device that writes as fast as the network takes it: every connection gets the same
 * {@code length} seeded bytes, then EOF. It counts what the kernel accepted on each connection, so a test sees
 * how far a reader that stopped let the writer get ahead.
 */
final class Flood implements AutoCloseable {

    /** The bytes repeat with this period, which is no power of two, so a lost or repeated block shows. */
    private static final int PERIOD = 1024 * 1024 + 7;

    private static final int CHUNK = 64 * 1024;

    private final ServerSocket server;
    private final long length;
    private final byte[] pattern;
    private final List<AtomicLong> written = new CopyOnWriteArrayList<>();

    private Flood(ServerSocket server, long length) {
        this.server = server;
        this.length = length;
        this.pattern = new byte[PERIOD + CHUNK];
        new Random(PERIOD).nextBytes(pattern);
        System.arraycopy(pattern, 0, pattern, PERIOD, CHUNK);
    }

    static Flood start(long length) throws IOException {
        Flood flood = new Flood(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), length);
        Thread.ofVirtual().start(flood::accept);
        return flood;
    }

    int port() {
        return server.getLocalPort();
    }

    long length() {
        return length;
    }

    /** How many connections were made so far. */
    int connections() {
        return written.size();
    }

    /** Bytes the kernel accepted on connection {@code i} (in the order they were made). */
    long written(int i) {
        return written.get(i).get();
    }

    /** SHA-256 of what each connection gets. */
    String sha256() throws NoSuchAlgorithmException {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (long at = 0; at < length; ) {
            int n = (int) Math.min(CHUNK, length - at);
            d.update(pattern, (int) (at % PERIOD), n);
            at += n;
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** What a reader got: its SHA-256, how many bytes, and how fast they came from the first byte to the end. */
    record Received(String sha256, long bytes, double mbPerSecond) {}

    /** Reads {@code in} to its end. */
    static Received drain(InputStream in) throws IOException, NoSuchAlgorithmException {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        long total = 0;
        long first = 0;
        byte[] buf = new byte[CHUNK];
        for (int n; (n = in.read(buf)) >= 0; ) {
            if (total == 0) {
                first = System.nanoTime();
            }
            d.update(buf, 0, n);
            total += n;
        }
        double seconds = Math.max(1e-9, (System.nanoTime() - first) / 1e9);
        return new Received(HexFormat.of().formatHex(d.digest()), total, total / seconds / 1e6);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket c = server.accept();
                AtomicLong count = new AtomicLong();
                written.add(count);
                Thread.ofVirtual().start(() -> send(c, count));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void send(Socket c, AtomicLong count) {
        try (c;
                OutputStream out = c.getOutputStream()) {
            for (long at = 0; at < length; ) {
                int n = (int) Math.min(CHUNK, length - at);
                out.write(pattern, (int) (at % PERIOD), n);
                at += n;
                count.set(at);
            }
        } catch (IOException e) {
            // the reader went away; its test reports what it received
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

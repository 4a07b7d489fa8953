package dev.jumpgate.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Someone with no key who can reach the relay's TLS and long-poll ports, floods them from a few loopback
 * addresses on a fixed number of threads for a fixed time, and stops by itself. Three floods, run together:
 * <ul>
 *   <li><b>long-poll</b>: opens sessions and posts 256 KiB ranges out of order, each overlapping the last, to make
 *       the relay hold them;
 *   <li><b>TLS port</b>: connections that finish TLS and never authenticate: silent, upgraded to a WebSocket that
 *       says nothing, or posting to a long-poll session that never links, each kept until the relay closes it;
 *   <li><b>poll table</b>: opens long-poll sessions as fast as the relay answers, and never uses them.
 * </ul>
 * It records what the relay answered and how long the relay let each TLS-port connection live.
 */
final class Flooder {

    private static final int BODY = 256 * 1024;

    private final int linkPort;
    private final int pollPort;
    private final long until;
    final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    /** The longest a TLS-port connection that finished TLS was kept open by the relay, in ms. */
    final LongAccumulator longestHeldMillis = new LongAccumulator(Math::max, 0);

    Flooder(int linkPort, int pollPort, Duration length) {
        this.linkPort = linkPort;
        this.pollPort = pollPort;
        this.until = System.nanoTime() + length.toNanos();
    }

    /** Starts every flood on its own threads; join them to wait for the end. */
    List<Thread> start() {
        List<Thread> threads = new ArrayList<>();
        for (String from : List.of("127.0.0.2", "127.0.0.3")) {
            for (int i = 0; i < 2; i++) {
                threads.add(Thread.ofVirtual().start(() -> loop(() -> longPoll(from))));
            }
        }
        for (String from : List.of("127.0.0.4", "127.0.0.5")) {
            for (int i = 0; i < 40; i++) {
                int kind = i % 3;
                threads.add(Thread.ofVirtual().start(() -> loop(() -> tlsPort(from, kind))));
            }
        }
        for (String from : List.of("127.0.0.6", "127.0.0.7")) {
            for (int i = 0; i < 4; i++) {
                threads.add(Thread.ofVirtual().start(() -> loop(() -> pollTable(from))));
            }
        }
        return threads;
    }

    long count(String outcome) {
        AtomicLong n = outcomes.get(outcome);
        return n == null ? 0 : n.get();
    }

    private void note(String outcome) {
        outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
    }

    private boolean going() {
        return System.nanoTime() < until;
    }

    interface Attempt {
        void run() throws Exception;
    }

    private void loop(Attempt attempt) {
        while (going()) {
            long start = System.nanoTime();
            try {
                attempt.run();
            } catch (Exception e) {
                note("connection failed or closed");
            }
            if (System.nanoTime() - start < 100_000_000L) {
                pace(100); // the flooder's bound on this machine's two cores, not a wait for the relay
            }
        }
    }

    private static void pace(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void longPoll(String from) throws Exception {
        try (Http http = new Http(plain(from, pollPort))) {
            byte[] body = new byte[BODY];
            while (going()) {
                Http.Reply opened = http.request("POST", "/v1/poll", new byte[0]);
                note("long-poll open " + opened.status);
                if (opened.status != 200) {
                    pace(20);
                    continue;
                }
                String id = new String(opened.body, StandardCharsets.US_ASCII);
                for (long seq = 1; going(); seq++) {
                    Http.Reply r = http.request("POST", "/v1/poll/" + id + "/up?seq=" + seq, body);
                    note("long-poll range " + r.status);
                    if (r.status != 200) {
                        break;
                    }
                }
            }
        }
    }

    private void tlsPort(String from, int kind) throws Exception {
        SSLSocket s = tls(from, linkPort);
        long start = System.nanoTime(); // connected: the relay's clock for this connection runs
        try (s) {
            s.setSoTimeout(60_000);
            s.startHandshake();
            note("tls-port handshakes");
            OutputStream out = s.getOutputStream();
            switch (kind) {
                case 0 -> {} // silent
                case 1 ->
                    out.write(("GET /v1/link HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\n"
                                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                    + "Sec-WebSocket-Version: 13\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                default -> {
                    Http http = new Http(s);
                    Http.Reply opened = http.request("POST", "/v1/poll", new byte[0]);
                    String id = new String(opened.body, StandardCharsets.US_ASCII);
                    // Busy, so that no idle rule applies: a request a second until the relay closes it.
                    while (going()) {
                        http.request("POST", "/v1/poll/" + id + "/up?seq=0", new byte[0]);
                        pace(1000);
                    }
                }
            }
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // a 101, or nothing, until the relay closes
            }
        } catch (SocketTimeoutException e) {
            note("tls-port held a minute");
        } finally {
            longestHeldMillis.accumulate((System.nanoTime() - start) / 1_000_000);
        }
    }

    private void pollTable(String from) throws Exception {
        try (Http http = new Http(plain(from, pollPort))) {
            while (going()) {
                Http.Reply r = http.request("POST", "/v1/poll", new byte[0]);
                note("poll-table open " + r.status);
                if (r.status != 200) {
                    pace(20);
                }
            }
        }
    }

    private static Socket plain(String from, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        s.setSoTimeout(30_000);
        s.setTcpNoDelay(true); // a body's last segment must not wait for the delayed ACK of its header
        return s;
    }

    private static SSLSocket tls(String from, int port) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(
                null,
                new TrustManager[] {
                    new X509TrustManager() {
                        @Override
                        public void checkClientTrusted(X509Certificate[] c, String a) {}

                        @Override
                        public void checkServerTrusted(X509Certificate[] c, String a) {}

                        @Override
                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                new SecureRandom());
        return (SSLSocket) ctx.getSocketFactory().createSocket(plain(from, port), "127.0.0.1", port, true);
    }

    /** Keep-alive HTTP/1.1 with Content-Length bodies: all the flood needs. */
    private static final class Http implements AutoCloseable {
        record Reply(int status, byte[] body) {}

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Http(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        Reply request(String method, String target, byte[] body) throws IOException {
            byte[] head = (method + " " + target + " HTTP/1.1\r\nHost: relay\r\nContent-Length: " + body.length
                            + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] all = Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, all, head.length, body.length);
            out.write(all);
            out.flush();
            String status = line();
            int length = 0;
            for (String l; !(l = line()).isEmpty(); ) {
                if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(l.substring(15).trim());
                }
            }
            return new Reply(Integer.parseInt(status.split(" ")[1]), in.readNBytes(length));
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new IOException("closed by the relay");
                }
                if (c != '\r') {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}

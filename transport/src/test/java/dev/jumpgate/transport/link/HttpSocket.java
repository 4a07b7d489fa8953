package dev.jumpgate.transport.link;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One keep-alive HTTP/1.1 connection from a chosen loopback address, plain or over TLS (trusting anything): what
 * a flooder or a scanner has, with no jumpgate code on its side.
 */
public final class HttpSocket implements AutoCloseable {

    public record Reply(int status, Map<String, String> headers, byte[] body) {
        public long number(String header) {
            return Long.parseLong(headers.get(header));
        }
    }

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private HttpSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static HttpSocket plain(String from, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        s.setSoTimeout(15_000);
        return new HttpSocket(s);
    }

    public static HttpSocket tls(String from, int port) throws Exception {
        Socket raw = plain(from, port).socket;
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(
                null,
                new TrustManager[] {
                    new X509TrustManager() {
                        @Override
                        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                new SecureRandom());
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, "127.0.0.1", port, true);
        s.setSoTimeout(15_000);
        s.startHandshake();
        return new HttpSocket(s);
    }

    public Reply request(String method, String target, byte[] body) throws IOException {
        socket.setSoTimeout(15_000);
        String head = method + " " + target + " HTTP/1.1\r\nHost: relay\r\nContent-Length: " + body.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return read();
    }

    /** Opens a long-poll session: its id, or the refusal's status. */
    public Reply open() throws IOException {
        return request("POST", "/v1/poll", new byte[0]);
    }

    private Reply read() throws IOException {
        String status = line();
        if (status == null) {
            throw new IOException("closed by the relay");
        }
        Map<String, String> headers = new HashMap<>();
        for (String l; !(l = line()).isEmpty(); ) {
            int colon = l.indexOf(':');
            headers.put(
                    l.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    l.substring(colon + 1).trim());
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new Reply(Integer.parseInt(status.split(" ")[1]), headers, body);
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                return b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** True if the relay closes the connection within the socket's timeout (reading and dropping what comes). */
    public boolean closedByPeer(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // whatever was still on its way
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

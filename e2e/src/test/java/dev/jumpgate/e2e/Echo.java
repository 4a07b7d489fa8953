package dev.jumpgate.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A TCP echo server on loopback, standing for a service on the device or on the user's side of a tunnel. */
final class Echo implements AutoCloseable {

    private final ServerSocket server;

    private Echo(ServerSocket server) {
        this.server = server;
    }

    static Echo start() throws IOException {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Echo echo = new Echo(s);
        Thread.ofVirtual().start(echo::accept);
        return echo;
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket c = server.accept();
                Thread.ofVirtual().start(() -> {
                    try (c) {
                        c.getInputStream().transferTo(c.getOutputStream());
                    } catch (IOException e) {
                        // the test's client went away
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Connects to {@code port}, sends {@code text}, and returns as many bytes as it sent, read back. */
    static String roundTrip(int port, String text) throws IOException {
        byte[] sent = text.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(sent);
            return new String(s.getInputStream().readNBytes(sent.length), StandardCharsets.UTF_8);
        }
    }

    /** Connects to {@code port} and waits: true if the far side closes without sending a byte. */
    static boolean closedWithoutReply(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            return in.read() == -1;
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

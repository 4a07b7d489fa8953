package dev.jumpgate.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A device-side service that answers only after the client's EOF: it reads until EOF, then writes how many bytes it
 * read ({@code "5 bytes\n"}). A path that closes the whole connection on the client's half-close loses the answer.
 */
final class ByteCounter implements AutoCloseable {

    private final ServerSocket server;

    private ByteCounter(ServerSocket server) {
        this.server = server;
    }

    /** Listens on a loopback port of its own until closed. */
    static ByteCounter start() throws IOException {
        ByteCounter counter = new ByteCounter(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Thread.ofVirtual().start(counter::serve);
        return counter;
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                long n = s.getInputStream().transferTo(OutputStream.nullOutputStream());
                s.getOutputStream().write((n + " bytes\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // closed at the end of the test, or a connection that broke: the test says which
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

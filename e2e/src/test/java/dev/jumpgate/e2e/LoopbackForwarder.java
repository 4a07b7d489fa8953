package dev.jumpgate.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP forwarder on loopback that stands between a test's program and a port it would reach: it accepts a
 * connection, opens one to the target, and hands the two to {@link #forward}, where a subclass moves the bytes
 * with the fault it stages. {@link #close} stops accepting; the connections are the subclass's to close.
 */
abstract class LoopbackForwarder implements AutoCloseable {

    private final ServerSocket server;

    LoopbackForwarder() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /** Starts accepting; a subclass calls it last in its constructor, once its own fields are set. */
    final void accept(int targetPort) {
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    forward(client, new Socket(InetAddress.getLoopbackAddress(), targetPort));
                } catch (IOException e) {
                    // closed
                }
            }
        });
    }

    /** Moves the bytes of one connection, on threads of its own. */
    abstract void forward(Socket client, Socket target);

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

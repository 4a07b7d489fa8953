package dev.jumpgate.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A local TCP target that cannot take a connection yet: its accept queue is full, so the kernel drops new SYNs
 * and a client's connect stays pending (SYN retransmission, about 1 s) until {@link #release()} empties the
 * queue. Merely not calling accept() would not do: the kernel completes connects on its own.
 */
final class CloggedTarget implements AutoCloseable {

    private final ServerSocket server;
    private final List<SocketChannel> fillers = new ArrayList<>();

    CloggedTarget() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        server.setSoTimeout(15_000);
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
        for (int i = 0; i < 16; i++) {
            SocketChannel c = SocketChannel.open();
            c.configureBlocking(false);
            c.connect(at);
            if (!connectsWithin(c, 300)) {
                c.close(); // its SYN was dropped: the queue is full
                if (fillers.isEmpty()) {
                    throw new IllegalStateException("even the first connection could not be made");
                }
                return;
            }
            fillers.add(c);
        }
        throw new IllegalStateException("the accept queue never filled up");
    }

    private static boolean connectsWithin(SocketChannel c, long millis) throws IOException {
        try (Selector selector = Selector.open()) {
            c.register(selector, SelectionKey.OP_CONNECT);
            return selector.select(millis) > 0 && c.finishConnect();
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** Drains the queue, then accepts and returns the next connection: the one that was kept waiting. */
    Socket release() throws IOException {
        for (SocketChannel filler : fillers) {
            server.accept().close();
            filler.close();
        }
        fillers.clear();
        Socket waiting = server.accept();
        waiting.setSoTimeout(15_000);
        return waiting;
    }

    @Override
    public void close() throws IOException {
        for (SocketChannel c : fillers) {
            c.close();
        }
        server.close();
    }
}

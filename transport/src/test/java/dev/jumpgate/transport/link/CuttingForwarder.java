package dev.jumpgate.transport.link;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder on loopback that cuts some connections at a random point of the answer: what a proxy that
 * times out, restarts or drops a body does to HTTP requests. The request may have reached the server (so a
 * retry repeats it) and the answer arrives cut or not at all.
 */
final class CuttingForwarder implements AutoCloseable {

    private final ServerSocket server;
    private final Random random = new Random(11);
    final AtomicInteger cut = new AtomicInteger();

    /** @param cutOneIn cut one connection in this many */
    CuttingForwarder(int targetPort, int cutOneIn) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket in = server.accept();
                    Socket out = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    long cutAfter;
                    synchronized (random) {
                        cutAfter = random.nextInt(cutOneIn) == 0 ? random.nextInt(64 * 1024) : Long.MAX_VALUE;
                    }
                    Thread.ofVirtual().start(() -> copy(in, out, Long.MAX_VALUE, in, out));
                    Thread.ofVirtual().start(() -> copy(out, in, cutAfter, in, out));
                } catch (IOException e) {
                    // closed
                }
            }
        });
    }

    int port() {
        return server.getLocalPort();
    }

    private void copy(Socket from, Socket to, long limit, Socket a, Socket b) {
        byte[] buf = new byte[8192];
        long moved = 0;
        try {
            InputStream i = from.getInputStream();
            OutputStream o = to.getOutputStream();
            for (int n; (n = i.read(buf)) >= 0; ) {
                int take = (int) Math.min(n, limit - moved);
                o.write(buf, 0, take);
                moved += take;
                if (moved >= limit) {
                    cut.incrementAndGet();
                    break;
                }
            }
        } catch (IOException e) {
            // the other direction closed it
        }
        try {
            a.close();
            b.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

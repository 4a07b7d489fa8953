package dev.jumpgate.transport.link;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local TCP target with a small receive buffer that accepts one connection and reads nothing from it until
 * {@link #resume()}; then it reads to EOF, counting and hashing what it got.
 */
public final class StallingServer implements AutoCloseable {

    public final CompletableFuture<byte[]> digestAtEof = new CompletableFuture<>();
    public final AtomicLong read = new AtomicLong();
    private final ServerSocket server;
    private final CountDownLatch resumed = new CountDownLatch(1);
    private volatile Socket accepted;

    public StallingServer() throws IOException {
        server = new ServerSocket();
        server.setReceiveBufferSize(SplicingStreams.SOCKET_BUFFER);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        Thread.ofPlatform().daemon().name("stalling-target").start(this::serve);
    }

    public int port() {
        return server.getLocalPort();
    }

    public void resume() {
        resumed.countDown();
    }

    private void serve() {
        try (Socket s = server.accept();
                InputStream in = s.getInputStream()) {
            accepted = s;
            resumed.await();
            MessageDigest digest = StreamProbe.sha256();
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                digest.update(buf, 0, n);
                read.addAndGet(n);
            }
            digestAtEof.complete(digest.digest());
        } catch (IOException | InterruptedException e) {
            digestAtEof.completeExceptionally(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Socket s = accepted;
        if (s != null) {
            s.close();
        }
        resumed.countDown();
    }
}

package dev.jumpgate.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on loopback that can go silent: {@link #freezeExisting()} stops moving bytes on the
 * connections it has, without closing them, the way a dead NAT mapping or a pulled cable looks to both ends.
 * New connections are forwarded normally.
 */
final class FreezingProxy extends LoopbackForwarder {

    private final List<Pipe> pipes = new CopyOnWriteArrayList<>();

    FreezingProxy(int targetPort) throws IOException {
        accept(targetPort);
    }

    @Override
    void forward(Socket client, Socket target) {
        Pipe p = new Pipe(client, target);
        pipes.add(p);
        p.start();
    }

    void freezeExisting() {
        pipes.forEach(p -> p.frozen = true);
    }

    @Override
    public void close() throws IOException {
        super.close();
        for (Pipe p : pipes) {
            p.a.close();
            p.b.close();
        }
    }

    private static final class Pipe {
        final Socket a;
        final Socket b;
        volatile boolean frozen;

        Pipe(Socket a, Socket b) {
            this.a = a;
            this.b = b;
        }

        void start() {
            Thread.ofVirtual().start(() -> copy(a, b));
            Thread.ofVirtual().start(() -> copy(b, a));
        }

        /** Copies until either side closes; once frozen, reads no more and closes nothing. */
        private void copy(Socket from, Socket to) {
            byte[] buf = new byte[16384];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n; !frozen && (n = in.read(buf)) >= 0; ) {
                    if (!frozen) {
                        out.write(buf, 0, n);
                    }
                }
                if (!frozen) {
                    to.shutdownOutput();
                }
            } catch (IOException e) {
                // one side closed; the other learns it from its own socket
            }
        }
    }
}

package dev.jumpgate.agent.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies one stream into another on a thread of its own until end of stream, flushing after every read so an
 * interactive echo is not held back. Blocking on both sides is the backpressure: a write into a full SSH window
 * waits, so at most one buffer per direction is ever held.
 */
final class Pump {

    static final int BUFFER = 32 * 1024;

    private Pump() {}

    /** @param closeAtEnd close {@code to} at end of {@code from} (EOF travels on); otherwise leave it open */
    static Thread start(String name, InputStream from, OutputStream to, boolean closeAtEnd) {
        return Thread.ofPlatform().name(name).daemon().start(() -> {
            byte[] buf = new byte[BUFFER];
            try {
                int n;
                while ((n = from.read(buf)) >= 0) {
                    if (n > 0) {
                        to.write(buf, 0, n);
                        to.flush();
                    }
                }
                if (closeAtEnd) {
                    to.close();
                }
            } catch (IOException e) {
                // one side closed: the session is ending, and its owner reports how
            }
        });
    }

    /** Waits for {@code t} at most {@code millis}; the session's end must not hang on a stuck stream. */
    static void join(Thread t, long millis) {
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

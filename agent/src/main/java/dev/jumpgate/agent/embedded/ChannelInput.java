package dev.jumpgate.agent.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.sshd.common.channel.LocalWindow;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSession;

/**
 * What the client sends to a program, as an {@link InputStream}. MINA's own pipe moves every unread byte to the
 * front of its buffer after each read larger than a packet, which with a large window costs more than the data
 * itself; here each packet is one chunk in a queue. A chunk's bytes go back to the client's window only when read,
 * so what waits here never exceeds the window: a program that does not read stops its client.
 */
final class ChannelInput extends InputStream implements ChannelDataReceiver {

    private final LocalWindow window;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int offset;
    private boolean ended;

    private ChannelInput(LocalWindow window) {
        this.window = window;
    }

    /** Takes over the channel's incoming data; MINA then gives the command no stream of its own. */
    static ChannelInput attach(ChannelSession channel) {
        ChannelInput input = new ChannelInput(channel.getLocalWindow());
        channel.setDataReceiver(input);
        return input;
    }

    /** On MINA's I/O thread: queue a copy, never block; the window is given back in {@link #read}. */
    @Override
    public int data(ChannelSession channel, byte[] buf, int start, int len) {
        byte[] chunk = new byte[len];
        System.arraycopy(buf, start, chunk, 0, len);
        lock.lock();
        try {
            if (!ended) {
                chunks.add(chunk);
                ready.signalAll();
            }
        } finally {
            lock.unlock();
        }
        return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n = 0;
        lock.lock();
        try {
            while (chunks.isEmpty() && !ended) {
                ready.await();
            }
            while (n < len && !chunks.isEmpty()) {
                byte[] head = chunks.peek();
                int take = Math.min(len - n, head.length - offset);
                System.arraycopy(head, offset, b, off + n, take);
                n += take;
                offset += take;
                if (offset == head.length) {
                    chunks.poll();
                    offset = 0;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the client's data", e);
        } finally {
            lock.unlock();
        }
        if (n == 0) {
            return -1;
        }
        if (window.isOpen()) {
            window.release(n);
        }
        return n;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    /** The client's EOF, or the channel closing: what is queued may still be read, then end of stream. */
    @Override
    public void close() {
        lock.lock();
        try {
            ended = true;
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }
}

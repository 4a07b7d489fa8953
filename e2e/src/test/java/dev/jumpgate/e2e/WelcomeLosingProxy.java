package dev.jumpgate.e2e;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;

/**
 * A TCP forwarder to the relay's TLS link port that loses the first link's Welcome, as a link that drops just
 * after the relay admitted the agent looks to the agent. On the first connection, once the agent has sent its
 * first encrypted TLS record (its side of the handshake, which it sends only after the relay's whole first
 * flight), nothing more from the relay reaches the agent until {@link #cut} closes that connection. Later
 * connections are forwarded whole.
 *
 * <pre>
 *   TLS record: u8 type (23 = application data, encrypted) | u16 version | u16 length | length bytes
 * </pre>
 */
final class WelcomeLosingProxy extends LoopbackForwarder {

    private static final int ENCRYPTED = 23;

    private final CompletableFuture<Socket[]> first = new CompletableFuture<>();
    private volatile boolean holding;

    WelcomeLosingProxy(int relayPort) throws IOException {
        accept(relayPort);
    }

    @Override
    void forward(Socket agent, Socket relay) {
        boolean losing = first.complete(new Socket[] {agent, relay});
        Thread.ofVirtual().start(() -> fromAgent(agent, relay, losing));
        Thread.ofVirtual().start(() -> fromRelay(relay, agent, losing));
    }

    /** Closes the first connection, both ends. */
    void cut() throws Exception {
        for (Socket s : first.get()) {
            s.close();
        }
    }

    private void fromAgent(Socket agent, Socket relay, boolean losing) {
        try {
            DataInputStream in = new DataInputStream(agent.getInputStream());
            OutputStream out = relay.getOutputStream();
            byte[] header = new byte[5];
            while (true) {
                in.readFully(header);
                byte[] body = new byte[((header[3] & 0xff) << 8) | (header[4] & 0xff)];
                in.readFully(body);
                if (losing && header[0] == ENCRYPTED) {
                    holding = true; // before the relay can answer this record
                }
                out.write(header);
                out.write(body);
            }
        } catch (IOException e) {
            closeBoth(agent, relay); // the end of either side ends the connection, as it would without the proxy
        }
    }

    private void fromRelay(Socket relay, Socket agent, boolean losing) {
        byte[] buf = new byte[16384];
        try {
            InputStream in = relay.getInputStream();
            OutputStream out = agent.getOutputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (!(losing && holding)) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // one side closed
        }
        closeBoth(agent, relay);
    }

    private static void closeBoth(Socket a, Socket b) {
        try (a;
                b) {
            // closed on leaving
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        super.close();
        if (first.isDone()) {
            for (Socket s : first.join()) {
                s.close();
            }
        }
    }
}

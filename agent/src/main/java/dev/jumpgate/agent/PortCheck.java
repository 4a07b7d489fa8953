package dev.jumpgate.agent;

import dev.jumpgate.protocol.HostPort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** Whether something accepts TCP connections at an address: a connect and a close, no bytes. */
final class PortCheck {

    private PortCheck() {
    }

    static boolean accepts(HostPort where, Duration limit) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(where.host(), where.port()), (int) limit.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

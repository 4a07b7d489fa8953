package dev.jumpgate.agent;

import dev.jumpgate.protocol.HostPort;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** Whether something accepts TCP connections at an address: a connect and a close, no bytes. */
final class PortCheck {

    private enum Answer {
        ACCEPTED,
        REFUSED,
        NO_ANSWER
    }

    private PortCheck() {}

    static boolean accepts(HostPort where, Duration limit) {
        return connect(where, limit) == Answer.ACCEPTED;
    }

    /**
     * Whether the host said no one listens (a refused connect); unresolvable, unreachable or slow is not a refusal:
     * a caller that goes on learns which it was.
     */
    static boolean refuses(HostPort where, Duration limit) {
        return connect(where, limit) == Answer.REFUSED;
    }

    private static Answer connect(HostPort where, Duration limit) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(where.host(), where.port()), (int) limit.toMillis());
            return Answer.ACCEPTED;
        } catch (ConnectException e) {
            return Answer.REFUSED;
        } catch (IOException e) {
            return Answer.NO_ANSWER;
        }
    }
}

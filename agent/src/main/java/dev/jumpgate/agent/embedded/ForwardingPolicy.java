package dev.jumpgate.agent.embedded;

import dev.jumpgate.protocol.HostPort;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which port forwardings the embedded server grants. {@code ssh -L} may reach only the endpoints the agent
 * already exposes ({@code --allow HOST:PORT}, the same list that governs jumpgate's own tunnels), and
 * {@code ssh -R} may listen only where {@code --allow-listen HOST:PORT} says. Nothing is allowed by default:
 * sshd's "forward anything" default would turn every device into a door to its network.
 *
 * <p>The loopback names {@code localhost}, {@code 127.0.0.1} and {@code ::1} are one host here, because clients
 * write them interchangeably ({@code ssh -R 8080:...} asks to listen on "localhost"); so are the ways of saying
 * "every interface" ("", "*", 0.0.0.0, ::), which an allow-list entry must then name as such.
 */
public record ForwardingPolicy(List<HostPort> connect, List<HostPort> listen) {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "ip6-localhost");
    /** How clients say "every interface": OpenSSH sends "" for {@code -R :8080:...} and "*" is common too. */
    private static final Set<String> WILDCARD = Set.of("", "*", "0.0.0.0", "::");

    public ForwardingPolicy {
        connect = List.copyOf(connect);
        listen = List.copyOf(listen);
    }

    public static ForwardingPolicy none() {
        return new ForwardingPolicy(List.of(), List.of());
    }

    /** {@code ssh -L}: may the client open a connection from the device to {@code host:port}? */
    public boolean mayConnect(String host, int port) {
        return matches(connect, host, port);
    }

    /** {@code ssh -R}: may the client make the device listen on {@code host:port}? */
    public boolean mayListen(String host, int port) {
        return matches(listen, host, port);
    }

    private static boolean matches(List<HostPort> list, String host, int port) {
        if (host == null || port <= 0) {
            return false;
        }
        String h = normalize(host);
        return list.stream()
                .anyMatch(a -> a.port() == port && normalize(a.host()).equals(h));
    }

    private static String normalize(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return LOOPBACK.contains(h) ? "loopback" : WILDCARD.contains(h) ? "any" : h;
    }

    public static String describe(List<HostPort> list) {
        return list.isEmpty()
                ? "nothing"
                : String.join(", ", list.stream().map(HostPort::toString).toList());
    }
}

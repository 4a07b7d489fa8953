package dev.jumpgate.transport;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.transport.proxy.HttpProxy;
import java.net.URI;
import java.util.Optional;

/**
 * One way to reach the relay: a transport, the relay's TLS address, the proxy (if any) for the connections that
 * transport makes, and for {@link Transport#HTTP_POLL} the base URL its requests go to: {@code https://} the
 * relay's TLS port, or the relay's plain-HTTP poll port ({@code http://host:port}).
 */
public record Route(Transport transport, HostPort relay, Optional<HttpProxy> proxy, URI pollBase) {

    public static Route direct(HostPort relay) {
        return new Route(Transport.TLS, relay, Optional.empty(), httpsBase(relay));
    }

    static URI httpsBase(HostPort relay) {
        String host = relay.host().contains(":") ? "[" + relay.host() + "]" : relay.host();
        return URI.create("https://" + host + ":" + relay.port());
    }

    /** Where the TCP connection goes: the poll URL's host for plain-HTTP polling, else the relay's TLS port. */
    public HostPort destination() {
        if (transport == Transport.HTTP_POLL) {
            int port = pollBase.getPort() > 0 ? pollBase.getPort() : plainHttp() ? 80 : 443;
            return new HostPort(pollBase.getHost().replaceAll("^\\[|\\]$", ""), port);
        }
        return relay;
    }

    /** Plain-HTTP polling: the proxy sees requests, not a tunnel (the link inside is still TLS). */
    public boolean plainHttp() {
        return transport == Transport.HTTP_POLL && "http".equalsIgnoreCase(pollBase.getScheme());
    }

    /** For logs: "websocket via proxy http://alice:****@10.0.0.1:3128". */
    public String describe() {
        String where = transport == Transport.HTTP_POLL ? transport + " to " + pollBase : transport + " to " + relay;
        return where + proxy.map(p -> " via proxy " + p).orElse("");
    }

    @Override
    public String toString() {
        return describe();
    }
}

package dev.jumpgate.cli;

import dev.jumpgate.transport.pipe.HttpProxy;
import dev.jumpgate.transport.pipe.ProxyEnvironment;
import dev.jumpgate.transport.pipe.RoutePlan;
import dev.jumpgate.transport.pipe.Transport;
import java.net.URI;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How the agent reaches its relay: which transport, through which proxy, and the relay's plain-HTTP port. */
final class TransportOptions {

    @Option(names = "--transport", defaultValue = "auto", paramLabel = "auto|tls|websocket|http-poll",
            description = "How to reach the relay (default: ${DEFAULT-VALUE}: TLS, then WebSocket, then HTTP long-poll).")
    String transport;

    @Option(names = "--proxy", paramLabel = "http://[USER:PASS@]HOST:PORT",
            description = "HTTP proxy to go through (default: HTTPS_PROXY / https_proxy, unless NO_PROXY names the relay).")
    String proxy;

    @Option(names = "--relay-http", paramLabel = "http://HOST:PORT",
            description = "The relay's plain-HTTP long-poll port (relay --poll-listen), for proxies that refuse CONNECT.")
    URI relayHttp;

    RoutePlan plan() {
        try {
            Optional<Transport> forced = transport.equalsIgnoreCase("auto") ? Optional.empty()
                    : Optional.of(Transport.parse(transport));
            return new RoutePlan(forced, Optional.ofNullable(proxy).map(HttpProxy::parse),
                    Optional.ofNullable(relayHttp), ProxyEnvironment.system());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
    }
}

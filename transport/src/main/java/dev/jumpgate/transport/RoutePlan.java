package dev.jumpgate.transport;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.transport.proxy.HttpProxy;
import dev.jumpgate.transport.proxy.ProxyEnvironment;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which routes to try, best first: the one transport asked for, or with {@code auto} TLS, then WebSocket, then
 * long-poll. An explicit {@code --proxy} applies to every route; otherwise each route takes the proxy the
 * environment names for its destination ({@link ProxyEnvironment}).
 *
 * @param forced empty for {@code auto}
 * @param relayHttp the relay's plain-HTTP poll port ({@code http://relay:8080}), for proxies that refuse CONNECT
 */
public record RoutePlan(
        Optional<Transport> forced, Optional<HttpProxy> proxy, Optional<URI> relayHttp, ProxyEnvironment env) {

    public static RoutePlan auto() {
        return new RoutePlan(Optional.empty(), Optional.empty(), Optional.empty(), ProxyEnvironment.system());
    }

    public RoutePlan {
        relayHttp.ifPresent(u -> {
            if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("--relay-http '" + u + "' must be http://HOST[:PORT]");
            }
        });
    }

    public List<Route> routes(HostPort relay) {
        List<Transport> order = forced.map(List::of).orElse(List.of(Transport.values()));
        List<Route> routes = new ArrayList<>();
        for (Transport t : order) {
            URI base = t == Transport.HTTP_POLL && relayHttp.isPresent() ? relayHttp.get() : Route.httpsBase(relay);
            Route r = new Route(t, relay, Optional.empty(), base);
            Optional<HttpProxy> p =
                    proxy.isPresent() ? proxy : env.proxyFor(r.destination().host(), r.plainHttp());
            routes.add(new Route(t, relay, p, base));
        }
        return routes;
    }

    public boolean isAuto() {
        return forced.isEmpty();
    }
}

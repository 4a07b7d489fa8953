package dev.jumpgate.agent;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.protocol.LogText;
import dev.jumpgate.transport.Route;
import dev.jumpgate.transport.link.LinkDialer;
import dev.jumpgate.transport.link.LinkRefusedException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries routes in order until one links, and says in the log which one it settled on and why each one before
 * it failed. A refusal by the relay itself ends the search: another transport reaches the same relay.
 */
final class RouteDialer {

    private static final Logger log = LoggerFactory.getLogger(RouteDialer.class);
    /** A route that has not linked by then is not working (connect, CONNECT, TLS and handshake together). */
    private static final long LIMIT_SECONDS = 30;

    record Linked(Route route, Channel channel, LinkMessage.Hello hello) {}

    private final EventLoopGroup group;
    private final SslContext tls;
    private final ChannelHandler streams;
    private HostPort unreachable;

    RouteDialer(EventLoopGroup group, SslContext tls, ChannelHandler streams) {
        this.group = group;
        this.tls = tls;
        this.streams = streams;
    }

    /**
     * The first route that links, or null when none did (each failure logged); throws when refused for good. A
     * route whose direct TCP connection failed ends the search for routes to the same address without a proxy:
     * they would fail alike, each after its own connect timeout.
     */
    Linked first(List<Route> routes, LinkMessage.Hello hello, String what)
            throws InterruptedException, LinkRefusedException {
        List<String> failed = new ArrayList<>();
        unreachable = null;
        for (Route route : routes) {
            if (unreachable != null
                    && route.proxy().isEmpty()
                    && route.destination().equals(unreachable)) {
                continue;
            }
            try {
                Channel ch = dial(route, hello);
                if (!failed.isEmpty()) {
                    log.info("{}: settled on {} ({})", what, route.transport(), String.join("; ", failed));
                }
                return new Linked(route, ch, hello);
            } catch (LinkRefusedException e) {
                if (!e.reason().retryable) {
                    throw e;
                }
                // Only logged; it may quote the relay's or a proxy's own words.
                failed.add(route.transport() + " failed: " + LogText.of(e.getMessage()));
            } catch (Exception e) {
                failed.add(route.transport() + " failed: " + LogText.of(AgentRunner.describe(e)));
                if ((e instanceof ConnectException || e instanceof NoRouteToHostException)
                        && route.proxy().isEmpty()) {
                    unreachable = route.destination();
                }
            }
            if (routes.size() > 1) {
                log.info("{}: {}", what, failed.get(failed.size() - 1) + " (" + route.describe() + ")");
            }
        }
        if (!routes.isEmpty()) {
            log.warn("cannot {}: {}", what, String.join("; ", failed));
        }
        return null;
    }

    /**
     * After {@link #first} returned null: the address a direct route could not even connect to (refused, no
     * route, or no answer), if there was one; nothing listens there, so dialling again is pointless until it does.
     */
    Optional<HostPort> unreachable() {
        return Optional.ofNullable(unreachable);
    }

    /** Dials one route; the failure is the cause itself, not an ExecutionException around it. */
    Channel dial(Route route, LinkMessage.Hello hello) throws Exception {
        var f = LinkDialer.dial(group, route, tls, hello, streams);
        try {
            return f.get(LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new IOException("no link within " + LIMIT_SECONDS + " s");
        }
    }
}

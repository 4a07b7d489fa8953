package dev.jumpgate.transport;

import dev.jumpgate.transport.proxy.HttpProxy;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Where a route's TCP connection goes. Through a proxy with CONNECT, the bootstrap connects to the relay's
 * <em>unresolved</em> address and Netty's {@link HttpProxyHandler} (first in the pipeline) dials the proxy
 * instead and asks it for a tunnel there: the proxy resolves the name, as a device without DNS needs. For
 * plain-HTTP polling through a proxy the connection simply goes to the proxy.
 */
public final class Tunnels {

    /** CONNECT to a distant relay through a slow proxy may take a while; beyond this it is not working. */
    private static final Duration CONNECT_LIMIT = Duration.ofSeconds(15);

    private Tunnels() {}

    /** The handler that opens the CONNECT tunnel, with Basic credentials if the proxy has them. */
    public static HttpProxyHandler connectHandler(HttpProxy proxy) {
        InetSocketAddress at = new InetSocketAddress(proxy.host(), proxy.port());
        HttpProxyHandler h = proxy.user().isPresent()
                ? new HttpProxyHandler(at, proxy.user().get(), proxy.password().orElse(""))
                : new HttpProxyHandler(at);
        h.setConnectTimeoutMillis(CONNECT_LIMIT.toMillis());
        return h;
    }

    /** Connects {@code b} for {@code route}; the pipeline must start with {@link #connectHandler} when tunnelling. */
    public static ChannelFuture connect(Bootstrap b, Route route) {
        var dest = route.destination();
        if (route.proxy().isEmpty()) {
            return b.connect(dest.host(), dest.port());
        }
        HttpProxy p = route.proxy().get();
        if (route.plainHttp()) {
            return b.connect(p.host(), p.port());
        }
        return b.resolver(NoopAddressResolverGroup.INSTANCE)
                .connect(InetSocketAddress.createUnresolved(dest.host(), dest.port()));
    }

    /** True when this route's connections open with a CONNECT tunnel. */
    public static boolean tunnels(Route route) {
        return route.proxy().isPresent() && !route.plainHttp();
    }
}

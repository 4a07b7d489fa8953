package dev.jumpgate.agent;

import dev.jumpgate.protocol.BuildVersion;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.transport.Backoff;
import dev.jumpgate.transport.Causes;
import dev.jumpgate.transport.Route;
import dev.jumpgate.transport.RoutePlan;
import dev.jumpgate.transport.link.LinkDialer;
import dev.jumpgate.transport.link.LinkRefusedException;
import dev.jumpgate.transport.tls.TlsContexts;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the device's one link to the relay up: dial (over the first route of the plan that works), serve streams
 * until the link drops, wait a jittered backoff, dial again. While nothing listens at the relay's address the
 * wait ends early, as soon as a {@link RelayProbe} finds the port open again: a relay that returns gets its agents
 * back within about a second, and one that accepts but fails them sends them into the growing backoff. On a route
 * worse than the best, it tries the better ones again every {@code upgradeEvery} while the link carries no stream,
 * and moves over when one works. Stops
 * only when the relay refuses the device for good (removed, or another key) or when {@link #stop()} is called.
 */
public final class AgentRunner {

    private static final Logger log = LoggerFactory.getLogger(AgentRunner.class);
    public static final Duration UPGRADE_EVERY = Duration.ofMinutes(5);

    private final EventLoopGroup group;
    private final AgentState state;
    private final Targets targets;
    private final RoutePlan plan;
    private final Duration upgradeEvery;
    private final Backoff backoff;
    private final AtomicInteger streams = new AtomicInteger();
    private volatile boolean stopped;
    private volatile Channel current;
    /** What the last probe of the SSH target found; read and written only by {@link #run()}'s thread. */
    private boolean targetAnswers = true;

    public AgentRunner(EventLoopGroup group, AgentState state, Targets targets) {
        this(group, state, targets, RoutePlan.auto(), UPGRADE_EVERY);
    }

    public AgentRunner(EventLoopGroup group, AgentState state, Targets targets, RoutePlan plan, Duration upgradeEvery) {
        this(group, state, targets, plan, upgradeEvery, Backoff.relink());
    }

    /** With the waits between dials drawn from {@code backoff} instead of {@link Backoff#relink()}. */
    AgentRunner(
            EventLoopGroup group,
            AgentState state,
            Targets targets,
            RoutePlan plan,
            Duration upgradeEvery,
            Backoff backoff) {
        this.group = group;
        this.backoff = backoff;
        this.state = state;
        this.targets = targets;
        this.plan = plan;
        this.upgradeEvery = upgradeEvery;
    }

    /** Runs until stopped or refused for good; the exception says why it gave up. */
    public void run() throws InterruptedException, LinkRefusedException {
        SslContext tls = TlsContexts.agent(state.identity(), state.relayPin());
        List<Route> routes = plan.routes(state.relay());
        RouteDialer dialer = new RouteDialer(group, tls, streamInitializer());
        LinkMessage.Hello hello = hello();
        while (!stopped) {
            Instant dialed = Instant.now();
            RouteDialer.Linked linked = dialer.first(routes, hello, "link to relay " + state.relay());
            Optional<HostPort> down = linked == null ? dialer.unreachable() : Optional.empty();
            if (linked != null) {
                serve(dialer, routes, linked);
                if (stopped) {
                    return;
                }
                log.warn("link to relay {} lost; reconnecting", state.relay());
            }
            backoff.linkLasted(Duration.between(dialed, Instant.now()));
            Duration wait = backoff.next();
            Instant until = Instant.now().plus(wait);
            // Asking the target for its host keys takes a while; do it during the wait, not after it.
            hello = hello();
            Duration left = Duration.between(Instant.now(), until);
            if (down.isPresent()) {
                // Nothing listens: dial again as soon as something does, or when the backoff runs out.
                log.info("retrying in {} ms, or as soon as {} accepts connections", wait.toMillis(), down.get());
                RelayProbe.awaitListening(down.get(), left, () -> stopped);
            } else {
                log.info("retrying in {} ms", wait.toMillis());
                Thread.sleep(Math.max(0, left.toMillis()));
            }
        }
    }

    private LinkMessage.Hello hello() {
        List<String> hostKeys = HostKeyProbe.probe(targets.ssh());
        // Probed before every dial: while the relay is away that is every retry, so say only what changed.
        boolean answers = !hostKeys.isEmpty();
        if (answers != targetAnswers) {
            if (answers) {
                log.info("{} answers SSH again", targets.ssh());
            } else {
                log.warn("nothing answers SSH on {}; streams to it will fail until it does", targets.ssh());
            }
            targetAnswers = answers;
        }
        return new LinkMessage.Hello(state.device(), new byte[0], hostKeys, BuildVersion.ANNOUNCED);
    }

    /** Serves {@code linked} until it closes, moving to a better route when one works and no stream is open. */
    private void serve(RouteDialer dialer, List<Route> routes, RouteDialer.Linked linked)
            throws InterruptedException, LinkRefusedException {
        while (true) {
            current = linked.channel();
            log.info(
                    "device {} linked to relay {} over {} ({} host keys reported)",
                    state.device(),
                    state.relay(),
                    linked.route().describe(),
                    linked.hello().hostKeys().size());
            int rank = routes.indexOf(linked.route());
            while (!linked.channel().closeFuture().await(rank == 0 ? Long.MAX_VALUE / 2 : upgradeEvery.toMillis())) {
                if (stopped || streams.get() > 0) {
                    continue;
                }
                // The relay replaces a device's link with its newest, so a better one takes over cleanly; only
                // try while idle, because the old link's streams die with it.
                RouteDialer.Linked better =
                        dialer.first(routes.subList(0, rank), hello(), "retrying better transports");
                if (better != null) {
                    log.info(
                            "moving from {} to {}",
                            linked.route().transport(),
                            better.route().transport());
                    linked.channel().close();
                    linked = better;
                    break;
                }
            }
            current = null;
            if (!linked.channel().isActive() || stopped) {
                return;
            }
        }
    }

    /** Closes the link and waits a little for the relay to hear it, so the device goes offline at once. */
    public void stop() {
        stopped = true;
        Channel c = current;
        if (c != null) {
            try {
                LinkDialer.closeAndWait(c, Duration.ofSeconds(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ChannelInitializer<Http2StreamChannel> streamInitializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                streams.incrementAndGet();
                ch.closeFuture().addListener(f -> streams.decrementAndGet());
                ch.pipeline().addLast(new StreamRequestHandler(targets));
            }
        };
    }

    /** One line a person can act on, rather than a stack trace. */
    static String describe(Throwable t) {
        if (t instanceof LinkRefusedException) {
            return t.getMessage();
        }
        if (t instanceof ConnectException) {
            return "connection refused or unreachable (" + t.getMessage() + ")";
        }
        Optional<String> tls = Causes.tlsFailure(t);
        if (tls.isPresent()) {
            return "TLS handshake failed: " + tls.get();
        }
        if (t instanceof IOException) {
            return t.getMessage();
        }
        return String.valueOf(t);
    }
}

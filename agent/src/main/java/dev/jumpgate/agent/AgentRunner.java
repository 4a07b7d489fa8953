package dev.jumpgate.agent;

import dev.jumpgate.protocol.LinkMessage;
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
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the device's one link to the relay up: dial, serve streams until the link drops, wait a jittered
 * backoff, dial again. Stops only when the relay refuses the device for good (removed, or another key) or when
 * {@link #stop()} is called.
 */
public final class AgentRunner {

    private static final Logger log = LoggerFactory.getLogger(AgentRunner.class);
    /** A link that lived this long was healthy: the next failure starts the backoff afresh. */
    private static final Duration HEALTHY = Duration.ofSeconds(10);

    private final EventLoopGroup group;
    private final AgentState state;
    private final Targets targets;
    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    private volatile boolean stopped;
    private volatile Channel current;

    public AgentRunner(EventLoopGroup group, AgentState state, Targets targets) {
        this.group = group;
        this.state = state;
        this.targets = targets;
    }

    /** Runs until stopped or refused for good; the exception says why it gave up. */
    public void run() throws InterruptedException, LinkRefusedException {
        SslContext tls = TlsContexts.agent(state.identity(), state.relayPin());
        while (!stopped) {
            List<String> hostKeys = HostKeyProbe.probe(targets.ssh());
            if (hostKeys.isEmpty()) {
                log.warn("nothing answers SSH on {}; streams to it will fail until it does", targets.ssh());
            }
            var hello = new LinkMessage.Hello(state.device(), new byte[0], hostKeys, Version.CURRENT);
            Instant dialed = Instant.now();
            try {
                Channel link = LinkDialer.dial(group, state.relay(), tls, hello, streamInitializer()).get();
                current = link;
                log.info("device {} linked to relay {} ({} host keys reported)", state.device(), state.relay(),
                        hostKeys.size());
                link.closeFuture().await();
                current = null;
                if (stopped) {
                    return;
                }
                log.warn("link to relay {} lost; reconnecting", state.relay());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof LinkRefusedException refused && !refused.reason().retryable) {
                    throw refused;
                }
                log.warn("cannot link to relay {}: {}", state.relay(), describe(cause));
            }
            if (Duration.between(dialed, Instant.now()).compareTo(HEALTHY) > 0) {
                backoff.reset();
            }
            Duration wait = backoff.next();
            log.info("retrying in {} ms", wait.toMillis());
            Thread.sleep(wait.toMillis());
        }
    }

    public void stop() {
        stopped = true;
        Channel c = current;
        if (c != null) {
            c.close();
        }
    }

    private ChannelInitializer<Http2StreamChannel> streamInitializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
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
        if (t instanceof SSLHandshakeException || (t != null && t.getCause() instanceof SSLHandshakeException)) {
            Throwable root = t;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return "TLS handshake failed: " + root.getMessage();
        }
        if (t instanceof IOException) {
            return t.getMessage();
        }
        return String.valueOf(t);
    }
}

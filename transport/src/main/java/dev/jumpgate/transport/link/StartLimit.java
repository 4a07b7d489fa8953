package dev.jumpgate.transport.link;

import dev.jumpgate.transport.AddressLimit;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the connections to the link port and the plain-HTTP long-poll port that have not authenticated yet, as
 * OpenSSH's MaxStartups and PerSourceMaxStartups do and as the bastion does for SSH: at most {@code perAddress}
 * from one address and {@code total} in all. Each may take up to the handshake limit, with a TLS handshake and
 * buffers, so without a bound whoever opens connections holds that many; per address, so that one address cannot
 * fill the room every agent and client links through. A connection over the bound is closed as it is accepted.
 * Counted from the accept to its authentication or its close. Thread-safe: every event loop accepts.
 */
public final class StartLimit {

    /** @param perAddress unauthenticated connections from one address; @param total from all together */
    public record Settings(int perAddress, int total) {
        public static final Settings DEFAULTS = new Settings(32, 512);

        public Settings {
            if (perAddress <= 0 || total <= 0) {
                throw new IllegalArgumentException("limits on connections not yet authenticated must be positive, got "
                        + perAddress + " per address and " + total + " in all");
            }
        }
    }

    private static final Logger log = LoggerFactory.getLogger(StartLimit.class);

    private final AddressLimit limit;

    StartLimit(Settings settings) {
        this.limit = new AddressLimit(settings.perAddress(), settings.total());
    }

    /**
     * Counts {@code ch} until it authenticates or closes; false (and a rate-limited warning) if it is over the
     * bound, when the caller closes it.
     */
    boolean tryCount(Channel ch) {
        InetAddress source = ch.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        if (source == null) {
            return true;
        }
        if (limit.tryAdd(source) != AddressLimit.Verdict.COUNTED) {
            if (limit.warningDue()) {
                log.warn(
                        "link port: closing connections not yet authenticated beyond {} per address or {} in all "
                                + "(latest from {}; {} closed so far)",
                        limit.perAddress(),
                        limit.total(),
                        source.getHostAddress(),
                        limit.refused());
            }
            return false;
        }
        AtomicBoolean counted = new AtomicBoolean(true);
        Runnable release = () -> {
            if (counted.compareAndSet(true, false)) {
                limit.remove(source);
            }
        };
        Authentication.then(ch, release);
        ch.closeFuture().addListener(f -> release.run());
        return true;
    }

    /** Connections counted now: from {@code source}, and in all (for tests). */
    int pending(InetAddress source) {
        return limit.count(source);
    }

    int pending() {
        return limit.count();
    }
}

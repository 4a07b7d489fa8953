package dev.jumpgate.transport.link;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Settings settings;
    private final ConcurrentHashMap<InetAddress, Integer> bySource = new ConcurrentHashMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong closed = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    StartLimit(Settings settings) {
        this.settings = settings;
    }

    /**
     * Counts {@code ch} until it authenticates or closes; false (and a rate-limited warning) if it is over the
     * bound, when the caller closes it.
     */
    boolean admit(Channel ch) {
        InetAddress source = ch.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        if (source == null) {
            return true;
        }
        if (!count(source)) {
            warn(source);
            return false;
        }
        AtomicBoolean counted = new AtomicBoolean(true);
        Runnable release = () -> {
            if (counted.compareAndSet(true, false)) {
                bySource.computeIfPresent(source, (k, n) -> n > 1 ? n - 1 : null);
                pending.decrementAndGet();
            }
        };
        Authentication.then(ch, release);
        ch.closeFuture().addListener(f -> release.run());
        return true;
    }

    private boolean count(InetAddress source) {
        if (pending.incrementAndGet() > settings.total()) {
            pending.decrementAndGet();
            return false;
        }
        boolean[] room = {false};
        bySource.compute(source, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= settings.perAddress()) {
                return n;
            }
            room[0] = true;
            return now + 1;
        });
        if (!room[0]) {
            pending.decrementAndGet();
        }
        return room[0];
    }

    private void warn(InetAddress source) {
        long n = closed.incrementAndGet();
        long now = System.nanoTime();
        long last = lastWarning.get();
        // One line a minute at most: a flood must not become a flood of log lines.
        if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            log.warn("link port: closing connections not yet authenticated beyond {} per address or {} in all "
                    + "(latest from {}; {} closed so far)", settings.perAddress(), settings.total(),
                    source.getHostAddress(), n);
        }
    }

    /** Connections counted now: from {@code source}, and in all (for tests). */
    int pending(InetAddress source) {
        return bySource.getOrDefault(source, 0);
    }

    int pending() {
        return pending.get();
    }
}

package dev.jumpgate.relay.link;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.relay.store.Store;
import dev.jumpgate.transport.link.RelayLink;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices that are online right now: one link per device. A new link for a device replaces the old one
 * (the agent reconnected before the relay noticed the old link die), and the old one is closed.
 */
public final class Links {

    private static final Logger log = LoggerFactory.getLogger(Links.class);

    private final Map<DeviceName, RelayLink> online = new ConcurrentHashMap<>();
    private final Store store;
    private final Executor blocking;

    /** {@code blocking} runs the store writes, which must not run on a link's event loop. */
    public Links(Store store, Executor blocking) {
        this.store = store;
        this.blocking = blocking;
    }

    public void add(RelayLink link) {
        RelayLink previous = online.put(link.device(), link);
        if (previous != null && previous != link) {
            log.info("device {} linked again from {}; closing its previous link", link.device(), link.remoteAddress());
            previous.close();
        }
        log.info("device {} online from {}", link.device(), link.remoteAddress());
        link.closeFuture().addListener(f -> {
            if (online.remove(link.device(), link)) {
                Instant lastSeen = Instant.now();
                try {
                    blocking.execute(() -> store.touch(link.device(), lastSeen));
                } catch (RejectedExecutionException e) {
                    // Only the last-seen time is lost; the next link or close records a newer one.
                    log.warn("device {} offline; relay busy, its last-seen time is not recorded", link.device());
                }
                log.info("device {} offline", link.device());
            }
        });
        if (!link.isActive()) {
            online.remove(link.device(), link);
        }
    }

    public Optional<RelayLink> get(DeviceName device) {
        return Optional.ofNullable(online.get(device)).filter(RelayLink::isActive);
    }

    public boolean isOnline(DeviceName device) {
        return get(device).isPresent();
    }

    public int count() {
        return online.size();
    }

    public void closeAll() {
        online.values().forEach(RelayLink::close);
    }
}

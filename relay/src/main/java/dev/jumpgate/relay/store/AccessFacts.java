package dev.jumpgate.relay.store;

import java.util.List;
import java.util.Optional;

/**
 * What one access decision reads, all from one transaction: who owns the login's key now, the device asked for
 * (without its host keys), the user, and the user's grants.
 */
public record AccessFacts(Optional<String> keyOwner, Optional<Device> device, Optional<User> user, List<Grant> grants) {

    public AccessFacts {
        grants = List.copyOf(grants);
    }
}

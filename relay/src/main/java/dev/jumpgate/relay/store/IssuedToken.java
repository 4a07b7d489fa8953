package dev.jumpgate.relay.store;

import dev.jumpgate.protocol.DeviceName;
import java.time.Instant;
import java.util.Objects;

/**
 * An enrollment token as {@code token ls} shows it: never its secret. {@code id} is derived from the stored hash
 * and names the token for {@code token revoke}; {@code usedAt} is null while it is unused.
 */
public record IssuedToken(String id, DeviceName device, Instant created, Instant expires, Instant usedAt) {

    public IssuedToken {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
    }
}

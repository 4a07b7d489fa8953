package dev.jumpgate.relay.store;

import java.util.Objects;

/**
 * Permission for {@code user} to reach the devices whose names match {@code devicePattern} (a glob, see
 * {@link Grants#matches}) on {@code ports} ("22", "22,8080" or "*", see {@link Grants#portAllowed}).
 */
public record Grant(String user, String devicePattern, String ports) {

    public Grant {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(devicePattern, "devicePattern");
        Objects.requireNonNull(ports, "ports");
    }
}

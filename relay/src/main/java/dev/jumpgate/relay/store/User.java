package dev.jumpgate.relay.store;

import java.util.Objects;

/** A person who logs in to the relay with one of their SSH keys. */
public record User(String name, Role role) {

    public User {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
    }
}

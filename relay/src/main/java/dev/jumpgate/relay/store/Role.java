package dev.jumpgate.relay.store;

/** What a user may do on the relay: admins manage users, grants and devices; users only connect. */
public enum Role {
    ADMIN,
    USER
}

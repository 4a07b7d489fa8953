package dev.jumpgate.relay.store;

/** The outcome of {@link Store#redeemToken}; only {@link #OK} changes anything. */
public enum TokenCheck {
    /** The token was consumed and the device is enrolled with the presented agent key. */
    OK,
    /** No token has this secret: mistyped, purged, or never issued by this relay. */
    UNKNOWN,
    /** The token was already redeemed; tokens are single use. */
    USED,
    /** The token's expiry has passed. */
    EXPIRED,
    /** The token was issued for a different device name. */
    WRONG_DEVICE,
    /** The device is already enrolled with another agent key; remove it first to enroll it again. */
    DEVICE_TAKEN
}

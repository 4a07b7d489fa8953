package dev.jumpgate.agent;

/** The version both ends announce in the link handshake. */
public final class Version {
    public static final String CURRENT = "jumpgate/0.1";

    private Version() {
    }
}

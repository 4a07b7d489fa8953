package dev.jumpgate.client;

import java.io.IOException;

/** The relay or the device said no to a stream; {@link #getMessage()} is the reason, for the user. */
public final class StreamRefusedException extends IOException {

    private final String status;

    public StreamRefusedException(String status, String reason) {
        super(reason);
        this.status = status;
    }

    /** 403: not allowed (grant, agent config, not a device); 503: device offline; 502: device-side failure. */
    public String status() {
        return status;
    }
}

package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.LinkMessage;
import java.io.IOException;

/** The relay refused the link; {@link #reason()} tells whether trying again can help. */
public final class LinkRefusedException extends IOException {

    private final LinkMessage.Reason reason;

    public LinkRefusedException(LinkMessage.Reason reason, String detail) {
        super("relay refused the link: " + detail);
        this.reason = reason;
    }

    public LinkMessage.Reason reason() {
        return reason;
    }
}

package dev.jumpgate.transport.link;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Whether a connection, or the link end of a long-poll session, has finished a link handshake that the relay
 * accepted, and what to do when it does: stop counting it against {@link StartLimit}, let its long-poll session
 * hold a full window. The handshakes say so; everything else only asks.
 */
final class Authentication {

    private static final AttributeKey<Boolean> DONE = AttributeKey.valueOf("jumpgate.authenticated");
    private static final AttributeKey<Runnable> THEN = AttributeKey.valueOf("jumpgate.whenAuthenticated");

    private Authentication() {}

    /**
     * Runs {@code r} once {@code ch} has authenticated (at once if it has). On the channel's loop, as every use of
     * these attributes is.
     */
    static void then(Channel ch, Runnable r) {
        if (done(ch)) {
            r.run();
            return;
        }
        Runnable old = ch.attr(THEN).get();
        ch.attr(THEN)
                .set(
                        old == null
                                ? r
                                : () -> {
                                    old.run();
                                    r.run();
                                });
    }

    /** {@code ch} has authenticated; on its loop. */
    static void succeeded(Channel ch) {
        ch.attr(DONE).set(true);
        Runnable r = ch.attr(THEN).getAndSet(null);
        if (r != null) {
            r.run();
        }
    }

    static boolean done(Channel ch) {
        return Boolean.TRUE.equals(ch.attr(DONE).get());
    }
}

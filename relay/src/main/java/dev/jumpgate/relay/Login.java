package dev.jumpgate.relay;

import dev.jumpgate.relay.store.UserKey;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One logged-in connection, bound to the key that opened it: an SSH session on the bastion or a client link.
 * Access follows the key, not the name: when the key leaves the user (taken away alone, or with the user), the
 * login ends, and whatever a name later comes to hold grants it nothing. It holds the streams it opened, so that
 * a revoked grant ends those at once too.
 */
public final class Login {

    /** One stream or channel this login opened, and how to end it. */
    record Opened(String host, int port, Runnable close) {}

    private final UserKey key;
    private final Runnable close;
    private final Set<Opened> opened = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    Login(UserKey key, Runnable close) {
        this.key = key;
        this.close = close;
    }

    public String user() {
        return key.user();
    }

    public UserKey key() {
        return key;
    }

    /**
     * Holds a stream this login is opening to {@code host:port}, before access is decided, so that a change to
     * keys or grants made meanwhile reaches it either way; the returned action lets go of it once it is closed.
     */
    public Runnable open(String host, int port, Runnable close) {
        Opened o = new Opened(host, port, close);
        opened.add(o);
        return () -> opened.remove(o);
    }

    Set<Opened> opened() {
        return opened;
    }

    /** Whether this login was ended because its key was taken away. */
    public boolean isClosed() {
        return closed;
    }

    void close() {
        closed = true;
        close.run();
    }
}

package dev.jumpgate.relay.store;

/**
 * The state database has as many calls waiting as it queues, or one waited past its limit: the relay is
 * overloaded. Nothing was read or written; the caller may try again later.
 */
public final class StoreBusyException extends StoreException {

    public StoreBusyException(String message) {
        super(message);
    }
}

package dev.jumpgate.relay.store;

/**
 * A refusal or failure of the state store. The message is meant for the operator as it stands (the CLI prints
 * it), so it says what was wrong and, where there is one, what to do instead.
 */
public class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

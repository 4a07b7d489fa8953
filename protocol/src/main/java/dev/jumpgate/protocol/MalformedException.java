package dev.jumpgate.protocol;

/** Input that breaks a wire format rule; the message says which rule, never echoes secrets. */
public final class MalformedException extends RuntimeException {
    public MalformedException(String message) {
        super(message);
    }
}

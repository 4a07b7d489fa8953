package dev.jumpgate.transport;

/**
 * The user event a transport fires down its pipeline once the byte pipe to the relay is open and authenticated
 * (TLS done, WebSocket upgraded): the link handshake starts on it, whatever carries the bytes.
 */
public final class PipeReady {

    public static final PipeReady INSTANCE = new PipeReady();

    private PipeReady() {}

    @Override
    public String toString() {
        return "PipeReady";
    }
}

package dev.jumpgate.transport;

import java.util.Arrays;
import java.util.Locale;

/**
 * The byte pipe a link rides on, best first. Every transport carries the same link (magic, handshake, HTTP/2);
 * only how its bytes reach the relay differs.
 *
 * <pre>
 *   TLS        TCP (or an HTTP CONNECT tunnel), TLS 1.3, link bytes
 *   WEBSOCKET  TCP (or CONNECT), TLS 1.3, GET /v1/link Upgrade: websocket, link bytes in binary frames
 *   HTTP_POLL  plain HTTP or HTTPS requests (POST up, parked GET down) carrying a TLS 1.3 session of its own
 * </pre>
 */
public enum Transport {
    TLS("tls"),
    WEBSOCKET("websocket"),
    HTTP_POLL("http-poll");

    private final String label;

    Transport(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** {@code tls}, {@code websocket} or {@code http-poll}. */
    public static Transport parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(v -> v.label.equals(t))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown transport '" + text + "': use auto, tls, websocket or http-poll"));
    }

    @Override
    public String toString() {
        return label;
    }
}

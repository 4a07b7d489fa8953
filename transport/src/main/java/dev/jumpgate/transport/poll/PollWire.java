package dev.jumpgate.transport.poll;

import java.time.Duration;

/**
 * The long-poll protocol's requests, headers and numbers. Each direction of a session is a byte stream with
 * offsets counted from 0; the bytes are the TLS records of the link, never plaintext.
 *
 * <pre>
 *   POST /v1/poll                              open      → 200, body: session id (ASCII)
 *   POST /v1/poll/SID/up?seq=S                 bytes [S, S+n) of agent → relay
 *                                              → 200 x-jumpgate-stored: E  (the relay has [S, E); resend the rest)
 *                                                    x-jumpgate-ack: A     (the relay has every byte below A)
 *   GET  /v1/poll/SID/down?from=F&amp;ack=A   A: the agent has every byte below A (the relay frees them)
 *                                              → 200 x-jumpgate-seq: F, body: bytes [F, F+n) of relay → agent;
 *                                                parked until n ≥ 1, or n = 0 after {@link #PARK}
 *   POST /v1/poll/SID/close                    → 204
 *   unknown or finished session                → 404 / 410: the link is gone, dial again
 * </pre>
 */
public final class PollWire {

    public static final String PREFIX = "/v1/poll";
    public static final String SEQ = "x-jumpgate-seq";
    public static final String STORED = "x-jumpgate-stored";
    public static final String ACK = "x-jumpgate-ack";
    /**
     * Set on the relay's own 404 and 410: the session is over. A 404 without it came from something between (a
     * proxy's error page) and is retried like any other failed request.
     */
    public static final String ENDED = "x-jumpgate-session-ended";

    /** The largest body either side sends: large enough for bulk, small enough for proxies' body caps. */
    public static final int MAX_BODY = 256 * 1024;
    /** The smallest body a sender falls back to when a proxy answers 413. */
    public static final int MIN_BODY = 16 * 1024;
    /** POSTs a sender keeps in flight. */
    public static final int POSTS_IN_FLIGHT = 4;
    /** GETs in flight: one parked on the relay, and the next one sent as soon as a response's headers arrive. */
    public static final int GETS_IN_FLIGHT = 2;
    /** Unacknowledged bytes a sender keeps before it stops reading from its link: the push-back. */
    public static final int SEND_LIMIT = 4 * 1024 * 1024;
    /** How far past its next offset a receiver holds bytes that arrived early. */
    public static final int RECEIVE_WINDOW = 4 * 1024 * 1024;

    /** A GET waits this long for bytes: below the 30–60 s after which proxies cut idle requests. */
    public static final Duration PARK = Duration.ofSeconds(25);
    /**
     * The relay ends a session with no GET waiting and no request for this long: an agent always keeps a GET
     * parked and sends the next at once, and even a proxy restart costs it a few seconds at most.
     */
    public static final Duration SESSION_IDLE = Duration.ofSeconds(15);
    /** The agent gives up a session after this long without one successful response. */
    public static final Duration GIVE_UP = Duration.ofSeconds(45);

    private PollWire() {}
}

package dev.jumpgate.protocol;

/**
 * How the relay asks an agent for a stream, as HTTP/2 headers on a new stream the relay opens:
 *
 * <pre>
 *   :method    CONNECT
 *   :authority TARGET           "ssh" port 22 means the agent's SSH target; see {@link #SSH_PORT}
 *   jumpgate-user  alice        who asked, for the agent's log
 * </pre>
 *
 * The agent answers {@code :status 200} once its local connection is up, or an error status with a
 * {@code jumpgate-reason} header and END_STREAM. Stream bytes are DATA frames; END_STREAM is a half-close.
 */
public final class StreamRequest {

    /** The port that names the device's SSH service, wherever the agent actually sends it. */
    public static final int SSH_PORT = 22;
    public static final String USER_HEADER = "jumpgate-user";
    public static final String REASON_HEADER = "jumpgate-reason";

    /** The target is not allowed by the agent's own configuration. */
    public static final String STATUS_FORBIDDEN = "403";
    /** The agent could not connect to its local target. */
    public static final String STATUS_BAD_GATEWAY = "502";

    private StreamRequest() {
    }
}

package dev.jumpgate.protocol;

/**
 * How a stream is asked for, as HTTP/2 headers on a new stream: by the relay of an agent, and by a client of
 * the relay (the same form, the relay checking the user's grants before it asks the agent):
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

    /**
     * On a client's CONNECT to the relay: the host as the device sees it, when the target is not the device
     * itself (a tunnel to {@code 127.0.0.1:5432} or a LAN host). The grant is checked for the device and port.
     */
    public static final String TARGET_HOST_HEADER = "jumpgate-target-host";

    /**
     * A client's read-only queries, as GET requests on its link. The device list is one device a line:
     * {@code NAME TAB online|offline TAB last-seen-epoch-millis-or-dash}; known hosts are known_hosts lines.
     */
    public static final String DEVICES_PATH = "/v1/devices";

    public static final String KNOWN_HOSTS_PATH = "/v1/known-hosts";

    /** The target is not allowed by the agent's own configuration. */
    public static final String STATUS_FORBIDDEN = "403";
    /** The agent could not connect to its local target. */
    public static final String STATUS_BAD_GATEWAY = "502";

    private StreamRequest() {}
}

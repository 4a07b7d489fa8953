package dev.jumpgate.transport.link;

import io.netty.handler.codec.http2.Http2Settings;
import java.time.Duration;

/**
 * The HTTP/2 and keepalive numbers of the link, in one place.
 *
 * <p>Windows: a stream may have {@link #STREAM_WINDOW} bytes in flight before its reader must consume them, so
 * a stalled session costs at most that much memory on the receiving side. The link's window is no budget shared
 * by the streams: bytes a stream has received but not consumed still count against it, so if it were smaller than
 * every stream's window together, enough stalled sessions would use it up and stop every other session of the
 * device. It is therefore {@code 2 × MAX_CONCURRENT_STREAMS × STREAM_WINDOW}: twice, because the receiver
 * gives the link's window back only once half of it has been consumed. Memory stays bounded per stream.
 */
public final class LinkSettings {

    public static final int STREAM_WINDOW = 2 * 1024 * 1024;
    public static final int MAX_CONCURRENT_STREAMS = 256;
    public static final int CONNECTION_WINDOW = 2 * MAX_CONCURRENT_STREAMS * STREAM_WINDOW;
    public static final int MAX_FRAME = 64 * 1024;
    /**
     * A link's busy streams share its window in turns of at least this many bytes. Netty's default turn is
     * 1 KiB: with a few dozen bulk sessions on one link nearly every DATA frame carried about 1 KiB, and the
     * device's sshd woke for each, burning three times the CPU per byte of the DIY bastion's (docs/BENCHMARKS.md,
     * "Many sessions at once"). 16 KiB is one TLS record.
     */
    public static final int SHARE_QUANTUM = 16 * 1024;
    /** Bounded header lists: a stream request is a few short headers. */
    public static final long MAX_HEADER_LIST = 8 * 1024;

    /** Both ends send a PING this often ... */
    public static final Duration PING_INTERVAL = Duration.ofSeconds(10);
    /** ... and close a link that has been silent this long, so a dead link is noticed within 25 s. */
    public static final Duration READ_IDLE_LIMIT = readIdleLimit(PING_INTERVAL);
    /** An agent that connects must finish TLS and say Hello within this time. */
    public static final Duration HANDSHAKE_LIMIT = Duration.ofSeconds(10);

    private LinkSettings() {}

    /** Silence for 2.5 ping intervals: two PINGs lost, and the third late. */
    static Duration readIdleLimit(Duration pingInterval) {
        return pingInterval.multipliedBy(5).dividedBy(2);
    }

    /** The acceptor's SETTINGS (the HTTP/2 server). */
    static Http2Settings acceptorHttp2() {
        return Http2Settings.defaultSettings()
                .initialWindowSize(STREAM_WINDOW)
                .maxFrameSize(MAX_FRAME)
                .maxHeaderListSize(MAX_HEADER_LIST)
                .maxConcurrentStreams(MAX_CONCURRENT_STREAMS);
    }

    /** The opener's SETTINGS (the HTTP/2 client): the same, and no server push, which only a client may say. */
    static Http2Settings openerHttp2() {
        return acceptorHttp2().pushEnabled(false);
    }
}

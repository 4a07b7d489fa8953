package dev.jumpgate.client.mux;

/**
 * What {@code jumpgate proxy} and the mux say on the mux's socket (docs/PROTOCOL.md, "Mux"). The client sends one
 * request line; the mux answers one line; after {@code ok} to an {@code open}, the session's bytes go both ways
 * in frames, so that a clean end (half-close) and a broken stream look different on a Unix socket:
 *
 * <pre>
 *   client: open DEVICE PORT\n | status\n | stop\n
 *   mux:    ok\n | refused STATUS REASON\n | failed REASON\n | status KEY=VALUE ...\n
 *   then, each way, repeated:
 *   +-----------------+----------------+
 *   | length (u32 BE) | length bytes   |   length 0: this direction ended cleanly (END_STREAM)
 *   +-----------------+----------------+   length 0xFFFFFFFF (mux to client only): the stream broke;
 *                                          a reason line follows
 *   a connection that closes before its length-0 frame broke the stream (the mux resets it)
 * </pre>
 */
final class MuxProtocol {

    static final int MAX_LINE = 1024;
    /**
     * A sanity bound, far above any frame either end writes: the mux frames one {@code Forwarder} batch (handed over
     * at 128 KiB, so below that plus one HTTP/2 DATA frame of at most 64 KiB, {@code LinkSettings.MAX_FRAME}), the
     * proxy one read of stdin (at most {@code MuxDial}'s 64 KiB chunk). Neither reader buffers a frame whole, so
     * this bounds no memory; a longer length means the socket does not speak this protocol, and ends the session.
     */
    static final int MAX_FRAME = 1 << 24;

    static final int END = 0;
    static final int BROKE = -1;

    private MuxProtocol() {}
}

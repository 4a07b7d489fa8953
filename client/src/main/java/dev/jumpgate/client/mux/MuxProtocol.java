package dev.jumpgate.client.mux;

/**
 * What {@code jumpgate proxy} and the mux say on the mux's socket (docs/PROTOCOL.md, "Mux"). The client sends one
 * request line; the mux answers one line; after {@code ok} to an {@code open}, the client's bytes go raw to the
 * device's stream (its EOF half-closes the stream), and the stream's bytes come back framed, so that a clean end
 * and a broken stream look different to the client:
 *
 * <pre>
 *   client: open DEVICE PORT\n | status\n | stop\n
 *   mux:    ok\n | refused STATUS REASON\n | failed REASON\n | status KEY=VALUE ...\n
 *   then, mux to client, repeated:
 *   +-----------------+----------------+
 *   | length (u32 BE) | length bytes   |   length 0: the stream ended cleanly
 *   +-----------------+----------------+   length 0xFFFFFFFF: it broke; a reason line follows
 * </pre>
 */
final class MuxProtocol {

    static final int MAX_LINE = 1024;
    /** The stream's frames are at most 16 KiB by HTTP/2's default; anything near this is not from a mux. */
    static final int MAX_FRAME = 1 << 24;
    static final int END = 0;
    static final int BROKE = -1;

    private MuxProtocol() {
    }
}

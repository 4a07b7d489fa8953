package dev.jumpgate.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the big-endian primitives every jumpgate wire format is built from. Every read checks the bounds first,
 * so truncated or oversized input ends in a {@link MalformedException}, never in an index error or a large
 * allocation.
 *
 * <pre>
 *   u8, u16, u32      unsigned, big-endian
 *   str               u16 length, then that many bytes of UTF-8
 *   bytes             u16 length, then that many bytes
 * </pre>
 */
public final class WireReader {

    private final byte[] data;
    private int pos;
    private final int end;

    public WireReader(byte[] data) {
        this.data = data;
        this.end = data.length;
    }

    private void need(int n, String what) {
        if (end - pos < n) {
            throw new MalformedException("truncated: " + what + " needs " + n + " bytes, " + (end - pos) + " left");
        }
    }

    public int u8(String what) {
        need(1, what);
        return data[pos++] & 0xff;
    }

    public int u16(String what) {
        need(2, what);
        int v = ((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    public long u32(String what) {
        need(4, what);
        long v = ((long) (data[pos] & 0xff) << 24)
                | ((data[pos + 1] & 0xff) << 16)
                | ((data[pos + 2] & 0xff) << 8)
                | (data[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    public byte[] fixed(int n, String what) {
        if (n < 0) { // a u32 length above 2^31 - 1, cast by the caller
            throw new MalformedException(what + " claims " + Integer.toUnsignedLong(n) + " bytes");
        }
        need(n, what);
        byte[] out = new byte[n];
        System.arraycopy(data, pos, out, 0, n);
        pos += n;
        return out;
    }

    public byte[] bytes(String what, int max) {
        int n = u16(what + " length");
        if (n > max) {
            throw new MalformedException(what + " is " + n + " bytes, limit " + max);
        }
        return fixed(n, what);
    }

    public String str(String what, int max) {
        byte[] raw = bytes(what, max);
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedException(what + " is not valid UTF-8");
        }
    }

    /** Asserts that nothing follows the last field: trailing garbage is an error, not ignored. */
    public void end(String what) {
        if (pos != end) {
            throw new MalformedException(what + " has " + (end - pos) + " unexpected trailing bytes");
        }
    }
}

package dev.jumpgate.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes the primitives {@link WireReader} reads. */
public final class WireWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

    public WireWriter u8(int v) {
        out.write(v);
        return this;
    }

    public WireWriter u16(int v) {
        if (v < 0 || v > 0xffff) {
            throw new IllegalArgumentException("u16 out of range: " + v);
        }
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    public WireWriter u32(long v) {
        out.write((int) (v >>> 24));
        out.write((int) (v >>> 16));
        out.write((int) (v >>> 8));
        out.write((int) v);
        return this;
    }

    public WireWriter fixed(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    public WireWriter bytes(byte[] b) {
        u16(b.length);
        out.writeBytes(b);
        return this;
    }

    public WireWriter str(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}

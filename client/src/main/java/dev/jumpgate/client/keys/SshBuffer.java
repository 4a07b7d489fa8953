package dev.jumpgate.client.keys;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/** SSH wire encoding (RFC 4251 §5): uint32, string, mpint. Reading past the end throws {@link EOFException}. */
final class SshBuffer {

    private final byte[] data;
    private int pos;
    private final ByteArrayOutputStream out;

    private SshBuffer(byte[] data, ByteArrayOutputStream out) {
        this.data = data;
        this.out = out;
    }

    static SshBuffer reading(byte[] data) {
        return new SshBuffer(data, null);
    }

    static SshBuffer writing() {
        return new SshBuffer(null, new ByteArrayOutputStream());
    }

    int uint32() throws IOException {
        if (data.length - pos < 4) {
            throw new EOFException("truncated key data");
        }
        int v = ((data[pos] & 0xff) << 24)
                | ((data[pos + 1] & 0xff) << 16)
                | ((data[pos + 2] & 0xff) << 8)
                | (data[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    byte[] string() throws IOException {
        int n = uint32();
        if (n < 0 || n > data.length - pos) {
            throw new EOFException("truncated key data");
        }
        byte[] s = new byte[n];
        System.arraycopy(data, pos, s, 0, n);
        pos += n;
        return s;
    }

    String text() throws IOException {
        return new String(string(), StandardCharsets.UTF_8);
    }

    BigInteger mpint() throws IOException {
        return new BigInteger(string());
    }

    byte[] raw(int n) throws IOException {
        if (n > data.length - pos) {
            throw new EOFException("truncated key data");
        }
        byte[] s = new byte[n];
        System.arraycopy(data, pos, s, 0, n);
        pos += n;
        return s;
    }

    SshBuffer putString(byte[] s) {
        putUint32(s.length);
        out.writeBytes(s);
        return this;
    }

    SshBuffer putString(String s) {
        return putString(s.getBytes(StandardCharsets.UTF_8));
    }

    SshBuffer putMpint(BigInteger v) {
        return putString(v.toByteArray());
    }

    SshBuffer putUint32(int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}

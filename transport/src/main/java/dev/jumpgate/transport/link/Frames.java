package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.LinkCodec;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.protocol.MalformedException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Handshake framing: {@code u32 length | body}, body per {@link LinkCodec}. Only the handshake uses it; once it
 * is done the same byte stream carries HTTP/2.
 */
final class Frames {

    private Frames() {}

    static ByteBuf encode(ByteBufAllocator alloc, LinkMessage message, boolean withMagic) {
        byte[] body = LinkCodec.encode(message);
        ByteBuf buf = alloc.buffer((withMagic ? 4 : 0) + 4 + body.length);
        if (withMagic) {
            buf.writeBytes(LinkCodec.MAGIC);
        }
        buf.writeInt(body.length);
        buf.writeBytes(body);
        return buf;
    }

    /** One complete frame body from {@code in}, or null if more bytes are needed. */
    static byte[] take(ByteBuf in) {
        if (in.readableBytes() < 4) {
            return null;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        if (length > LinkCodec.MAX_FRAME) {
            throw new MalformedException("handshake frame of " + length + " bytes exceeds " + LinkCodec.MAX_FRAME);
        }
        if (in.readableBytes() < 4 + length) {
            return null;
        }
        in.skipBytes(4);
        byte[] body = new byte[(int) length];
        in.readBytes(body);
        return body;
    }
}

package dev.jumpgate.transport.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The relay's end of one stream, as a test sees it: the answer headers, the bytes that came back (counted and
 * hashed), and whether the agent ended its half.
 */
public final class StreamProbe extends ChannelInboundHandlerAdapter {

    public final CompletableFuture<Http2Headers> response = new CompletableFuture<>();
    public final CompletableFuture<Void> ended = new CompletableFuture<>();
    public final AtomicLong received = new AtomicLong();
    private final MessageDigest digest = sha256();
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private volatile Http2StreamChannel stream;

    /** Opens a stream on {@code link} and sends the CONNECT request for {@code authority}. */
    public static StreamProbe open(RelayLink link, String authority) throws Exception {
        StreamProbe probe = new StreamProbe();
        probe.stream = link.openStream(probe).get(10, TimeUnit.SECONDS);
        probe.stream.writeAndFlush(StreamHeaders.connect(authority, "alice"));
        return probe;
    }

    public Http2StreamChannel stream() {
        return stream;
    }

    public Http2Headers awaitResponse() throws Exception {
        return response.get(10, TimeUnit.SECONDS);
    }

    /**
     * Writes {@code data} as DATA frames of at most {@code chunk} bytes without copying it, the last frame ending
     * the stream if {@code end}. {@code onWritten} hears the size of each frame once the link has taken it.
     */
    public CompletableFuture<Void> send(byte[] data, int chunk, boolean end, LongConsumer onWritten) {
        CompletableFuture<Void> all = new CompletableFuture<>();
        stream.eventLoop().execute(() -> {
            ChannelFuture last = data.length == 0 && end
                    ? stream.write(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true))
                    : null;
            for (int off = 0; off < data.length; off += chunk) {
                int len = Math.min(chunk, data.length - off);
                boolean isLast = off + len == data.length;
                ByteBuf slice = Unpooled.wrappedBuffer(data, off, len);
                last = stream.write(new DefaultHttp2DataFrame(slice, end && isLast));
                last.addListener(f -> {
                    if (f.isSuccess()) {
                        onWritten.accept(len);
                    }
                });
            }
            stream.flush();
            if (last == null) {
                all.complete(null);
            } else {
                last.addListener(f -> {
                    if (f.isSuccess()) {
                        all.complete(null);
                    } else {
                        all.completeExceptionally(f.cause());
                    }
                });
            }
        });
        return all;
    }

    public CompletableFuture<Void> send(byte[] data, boolean end) {
        return send(data, 16 * 1024, end, n -> {});
    }

    /** The SHA-256 of everything received; call once, after {@link #ended} has completed. */
    public synchronized byte[] receivedDigest() {
        return digest.digest();
    }

    public synchronized byte[] receivedBytes() {
        return kept.toByteArray();
    }

    @Override
    public synchronized void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2HeadersFrame h) {
            response.complete(h.headers());
        } else if (msg instanceof Http2DataFrame d) {
            ByteBuf content = d.content();
            byte[] bytes = new byte[content.readableBytes()];
            content.readBytes(bytes);
            digest.update(bytes);
            if (kept.size() < 1024 * 1024) {
                kept.writeBytes(bytes);
            }
            received.addAndGet(bytes.length);
        }
        boolean end = msg instanceof Http2HeadersFrame hf
                ? hf.isEndStream()
                : msg instanceof Http2DataFrame df && df.isEndStream();
        if (end) {
            ended.complete(null);
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ended.completeExceptionally(new IllegalStateException("stream closed before END_STREAM"));
        response.completeExceptionally(new IllegalStateException("stream closed before any answer"));
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] sha256(byte[] data) {
        return sha256().digest(data);
    }
}

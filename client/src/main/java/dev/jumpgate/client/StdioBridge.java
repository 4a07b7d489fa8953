package dev.jumpgate.client;

import dev.jumpgate.transport.StartupTrace;
import dev.jumpgate.transport.stream.Forwarder;
import dev.jumpgate.transport.stream.Sink;
import dev.jumpgate.transport.stream.StreamAnswer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@code jumpgate proxy}: one stream joined to this process's stdin and stdout, for ssh's ProxyCommand. Stdout
 * carries stream bytes and nothing else. Backpressure both ways: stdin is read again only while fewer than
 * {@link #IN_FLIGHT} chunks wait to go out on the stream (so reading the next chunk overlaps encrypting the last);
 * the stream is read again only when stdout took the last chunk.
 */
public final class StdioBridge {

    private static final int CHUNK = 64 * 1024;
    /** Chunks from stdin written to the stream and not yet gone out: at most 256 KiB held for a stalled stream. */
    static final int IN_FLIGHT = 4;

    private StdioBridge() {}

    /** Runs until both directions are done; returns normally on a clean end, throws if the stream broke. */
    public static void run(StreamAnswer opened, InputStream in, OutputStream out)
            throws IOException, InterruptedException {
        Http2StreamChannel stream = opened.stream();
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "stdout");
            t.setDaemon(true);
            return t;
        });
        CompletableFuture<Void> outputDone = new CompletableFuture<>();
        Forwarder toStdout = new Forwarder(stream, new OutputSink(out, writer, outputDone));
        stream.eventLoop().execute(() -> {
            stream.pipeline().remove(opened);
            stream.pipeline().addLast("stdout", toStdout);
            for (Object msg; (msg = opened.held().poll()) != null; ) {
                toStdout.accept(msg);
            }
            toStdout.resume();
        });
        Thread stdin = Thread.ofPlatform().daemon().name("stdin").start(() -> pumpStdin(in, stream));
        stream.closeFuture().addListener(f -> outputDone.complete(null));
        try {
            outputDone.get();
        } catch (ExecutionException e) {
            throw new IOException(
                    "the stream to the device broke: " + e.getCause().getMessage(), e.getCause());
        } finally {
            stdin.interrupt();
            writer.shutdown();
        }
    }

    private static void pumpStdin(InputStream in, Http2StreamChannel stream) {
        // Waiting for a permit is the backpressure: HTTP/2 flow control holds writes while the far side is full.
        Semaphore permits = new Semaphore(IN_FLIGHT);
        AtomicBoolean failed = new AtomicBoolean();
        try {
            while (true) {
                permits.acquire();
                ByteBuf chunk = stream.alloc().heapBuffer(CHUNK);
                int n;
                try {
                    n = chunk.writeBytes(in, CHUNK);
                } catch (IOException | RuntimeException e) {
                    chunk.release();
                    throw e;
                }
                if (n < 0 || failed.get()) {
                    chunk.release();
                    break;
                }
                if (n == 0) {
                    chunk.release();
                    permits.release();
                    continue;
                }
                StartupTrace.mark("first-byte-in");
                stream.writeAndFlush(new DefaultHttp2DataFrame(chunk)).addListener(f -> {
                    if (!f.isSuccess()) {
                        failed.set(true);
                    }
                    permits.release();
                });
            }
            if (!failed.get()) {
                stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
            }
        } catch (IOException e) {
            stream.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stdout as a {@link Sink}: writes happen on one thread, in order, and complete when flushed. */
    private record OutputSink(OutputStream out, ExecutorService writer, CompletableFuture<Void> done) implements Sink {

        @Override
        public void write(ByteBuf data, Consumer<Throwable> onDone) {
            writer.execute(() -> {
                try {
                    StartupTrace.mark("first-byte-out");
                    data.readBytes(out, data.readableBytes());
                    out.flush();
                    onDone.accept(null);
                } catch (IOException e) {
                    onDone.accept(e);
                } finally {
                    data.release();
                }
            });
        }

        @Override
        public void end() {
            writer.execute(() -> {
                try {
                    out.close(); // ssh sees EOF on the proxy's stdout
                } catch (IOException e) {
                    // nothing left to tell it
                }
            });
        }

        @Override
        public void abort() {
            writer.execute(() -> done.completeExceptionally(new IOException("reset by the far side")));
        }
    }
}

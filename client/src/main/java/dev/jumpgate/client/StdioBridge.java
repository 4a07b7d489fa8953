package dev.jumpgate.client;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * {@code jumpgate proxy}: one stream joined to this process's stdin and stdout, for ssh's ProxyCommand. Stdout
 * carries stream bytes and nothing else. Backpressure both ways: stdin is read again only when the last chunk
 * has gone out on the stream; the stream is read again only when stdout took the last chunk.
 */
public final class StdioBridge {

    private static final int CHUNK = 64 * 1024;

    private StdioBridge() {
    }

    /** Runs until both directions are done; returns normally on a clean end, throws if the stream broke. */
    public static void run(StreamAnswer opened, InputStream in, OutputStream out) throws IOException,
            InterruptedException {
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
            toStdout.readIfIdle();
        });
        Thread stdin = Thread.ofPlatform().daemon().name("stdin").start(() -> pumpStdin(in, stream));
        stream.closeFuture().addListener(f -> outputDone.complete(null));
        try {
            outputDone.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("the stream to the device broke: " + e.getCause().getMessage(), e.getCause());
        } finally {
            stdin.interrupt();
            writer.shutdown();
        }
    }

    private static void pumpStdin(InputStream in, Http2StreamChannel stream) {
        byte[] buf = new byte[CHUNK];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (n == 0) {
                    continue;
                }
                ByteBuf chunk = Unpooled.copiedBuffer(buf, 0, n);
                // Waiting for the write is the backpressure: HTTP/2 flow control holds it while the far side is full.
                if (!stream.writeAndFlush(new DefaultHttp2DataFrame(chunk)).await().isSuccess()) {
                    return;
                }
            }
            stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
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

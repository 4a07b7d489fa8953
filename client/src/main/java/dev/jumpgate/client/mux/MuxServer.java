package dev.jumpgate.client.mux;

import dev.jumpgate.client.RelayClient;
import dev.jumpgate.client.StreamRefusedException;
import dev.jumpgate.transport.stream.Sink;
import dev.jumpgate.transport.stream.Splice;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code jumpgate mux run}: keeps one logged-in link to the relay and serves {@code jumpgate proxy} processes
 * on a Unix socket, so that each ssh connection costs a stream on a warm link instead of a JVM start, a TLS
 * handshake and a login (ssh's ControlMaster, for jumpgate's own link). Only the user's own processes get in: the
 * socket's directory is owner-only, and each connection's peer must be the same user (SO_PEERCRED). Ends after
 * {@code persist} with no connection, when told to stop, or when its socket file is gone.
 */
public final class MuxServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MuxServer.class);
    private static final Duration CHECK_SOCKET = Duration.ofSeconds(30);

    private final RelayClient relay;
    private final MuxSocket where;
    private final Duration persist;
    private final UserPrincipal owner;
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    private Channel server;
    // Event-loop state: the server, its connections and the relay link share the relay client's one event loop.
    private int open;
    private long served;
    private ScheduledFuture<?> idle;

    private MuxServer(RelayClient relay, MuxSocket where, Duration persist, UserPrincipal owner) {
        this.relay = relay;
        this.where = where;
        this.persist = persist;
        this.owner = owner;
    }

    /** Binds {@code where}'s socket (replacing a stale file: the caller holds the lock) and serves. */
    public static MuxServer start(RelayClient relay, MuxSocket where, Duration persist)
            throws IOException, InterruptedException {
        MuxServer mux = new MuxServer(relay, where, persist, Files.getOwner(where.dir()));
        Files.deleteIfExists(where.socket());
        mux.server = new ServerBootstrap()
                .group(relay.group())
                .channelFactory(NioServerDomainSocketChannel::new)
                .childHandler(new ChannelInitializer<NioDomainSocketChannel>() {
                    @Override
                    protected void initChannel(NioDomainSocketChannel ch) {
                        mux.accept(ch);
                    }
                })
                .bind(UnixDomainSocketAddress.of(where.socket()))
                .sync()
                .channel();
        Files.deleteIfExists(where.failed()); // proxies may use a mux again at once
        mux.server.eventLoop().execute(mux::armIdle);
        mux.server
                .eventLoop()
                .scheduleAtFixedRate(
                        mux::checkSocket, CHECK_SOCKET.toSeconds(), CHECK_SOCKET.toSeconds(), TimeUnit.SECONDS);
        return mux;
    }

    /** Completes with why the mux ended: idle, stopped, or its socket gone. */
    public CompletableFuture<String> ended() {
        return ended;
    }

    private void accept(NioDomainSocketChannel ch) {
        UserPrincipal peer;
        try {
            peer = ((UnixDomainPrincipal) ch.config().getOption(NioChannelOption.of(ExtendedSocketOptions.SO_PEERCRED)))
                    .user();
        } catch (RuntimeException e) {
            log.warn("closing a connection whose peer cannot be checked: {}", e.toString());
            ch.close();
            return;
        }
        if (!owner.equals(peer)) {
            log.warn("refusing a connection from user {}: the mux serves only {}", peer.getName(), owner.getName());
            ch.close();
            return;
        }
        open++;
        if (idle != null) {
            idle.cancel(false);
            idle = null;
        }
        ch.closeFuture().addListener(f -> {
            open--;
            armIdle();
        });
        ch.pipeline().addLast("line", new LineBasedFrameDecoder(MuxProtocol.MAX_LINE, true, true));
        ch.pipeline().addLast("request", new Request(ch));
    }

    private void armIdle() {
        if (open == 0 && idle == null && !ended.isDone()) {
            idle = server.eventLoop()
                    .schedule(
                            () -> ended.complete("no connection for " + persist.toSeconds() + " s"),
                            persist.toMillis(),
                            TimeUnit.MILLISECONDS);
        }
    }

    private void checkSocket() {
        if (!Files.exists(where.socket())) {
            ended.complete("its socket " + where.socket() + " is gone");
        }
    }

    private String status() {
        return "status pid=" + ProcessHandle.current().pid() + " relay="
                + relay.config().link() + " user="
                + relay.config().user() + " linked=" + (relay.isActive() ? "yes" : "no") + " connections=" + open
                + " served=" + served + " persist=" + persist.toSeconds() + "s";
    }

    /** The one request line of a connection; after {@code open}, gives the connection over to the stream. */
    private final class Request extends ChannelInboundHandlerAdapter {

        private final NioDomainSocketChannel ch;
        private boolean answered;

        Request(NioDomainSocketChannel ch) {
            this.ch = ch;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            String line = ((ByteBuf) msg).toString(StandardCharsets.UTF_8);
            ((ByteBuf) msg).release();
            if (answered) {
                // The client waits for the answer before it sends a byte of the session.
                log.warn("closing a connection that sent before it was answered");
                ch.close();
                return;
            }
            answered = true;
            String[] words = line.split(" ");
            switch (words[0]) {
                case "open" -> open(words);
                case "status" -> answerAndClose(status());
                case "stop" -> {
                    answerAndClose("ok");
                    ended.complete("told to stop");
                }
                default -> answerAndClose("failed unknown request '" + words[0] + "'");
            }
        }

        private void open(String[] words) {
            int port;
            try {
                port = words.length == 3 ? Integer.parseInt(words[2]) : -1;
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                answerAndClose("failed bad request: open DEVICE PORT");
                return;
            }
            ch.config().setAutoRead(false);
            served++;
            relay.open(words[1], port, null)
                    .whenComplete((opened, failure) -> ch.eventLoop().execute(() -> {
                        if (failure != null) {
                            answerAndClose(
                                    failure instanceof StreamRefusedException r
                                            ? "refused " + r.status() + " " + oneLine(r.getMessage())
                                            : "failed " + oneLine(String.valueOf(failure.getMessage())));
                            return;
                        }
                        if (!ch.isActive()) {
                            opened.stream().close();
                            return;
                        }
                        ch.writeAndFlush(Unpooled.copiedBuffer("ok\n", StandardCharsets.US_ASCII));
                        ch.pipeline().remove("line");
                        ch.pipeline().remove(this);
                        ch.pipeline().addLast("unframe", new Unframer());
                        opened.stream().pipeline().remove(opened);
                        Splice.join(opened.stream(), opened.held(), ch, framed(ch));
                    }));
        }

        private void answerAndClose(String answer) {
            ch.writeAndFlush(Unpooled.copiedBuffer(answer + "\n", StandardCharsets.UTF_8))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("mux connection: {}", cause.toString());
            ch.close();
        }
    }

    /**
     * The proxy's bytes, unframed: data passes on as it arrives, the empty frame becomes the input-shutdown event
     * the {@code Forwarder} turns into END_STREAM. Framed rather than half-closed because Netty's NIO Unix socket
     * closes the whole channel on EOF (it honours half-closure only for TCP), which would lose what the device still
     * sends. A connection that closes without the empty frame is a proxy that died: the stream is reset.
     */
    static final class Unframer extends ByteToMessageDecoder {

        private int remaining = -1; // -1: a length comes next
        private boolean ended;

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (ended) {
                in.skipBytes(in.readableBytes());
                return;
            }
            if (remaining < 0) {
                if (in.readableBytes() < 4) {
                    return;
                }
                int length = in.readInt();
                if (length == MuxProtocol.END) {
                    ended = true;
                    ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                    // The forwarder reads no more after the end, but the proxy's close must still be seen, or
                    // this connection would stay open (and the mux never idle) once the session is over.
                    ctx.read();
                    return;
                }
                if (length < 0 || length > MuxProtocol.MAX_FRAME) {
                    throw new CorruptedFrameException("a frame of " + Integer.toUnsignedString(length) + " bytes");
                }
                remaining = length;
            }
            int n = Math.min(remaining, in.readableBytes());
            if (n > 0) {
                out.add(in.readRetainedSlice(n));
                remaining -= n;
            }
            if (remaining == 0) {
                remaining = -1;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (!ended) {
                ctx.fireExceptionCaught(new IOException("the proxy went away mid-stream"));
            }
            super.channelInactive(ctx);
        }
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }

    /** The stream's bytes to the proxy, each chunk behind its length; see {@link MuxProtocol}. */
    static Sink framed(DuplexChannel socket) {
        return new Sink() {
            @Override
            public void write(ByteBuf data, Consumer<Throwable> done) {
                ByteBuf length = socket.alloc().buffer(4).writeInt(data.readableBytes());
                socket.writeAndFlush(Unpooled.wrappedBuffer(length, data)).addListener(f -> done.accept(f.cause()));
            }

            @Override
            public void end() {
                socket.writeAndFlush(socket.alloc().buffer(4).writeInt(MuxProtocol.END))
                        .addListener(f -> {
                            if (f.isSuccess()) {
                                socket.shutdownOutput();
                            }
                        });
            }

            @Override
            public void abort() {
                if (socket.isActive()) {
                    ByteBuf broke = socket.alloc()
                            .buffer()
                            .writeInt(MuxProtocol.BROKE)
                            .writeBytes("reset by the far side\n".getBytes(StandardCharsets.US_ASCII));
                    socket.writeAndFlush(broke).addListener(ChannelFutureListener.CLOSE);
                }
            }
        };
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        try {
            Files.deleteIfExists(where.socket());
        } catch (IOException e) {
            log.debug("socket not removed: {}", e.toString());
        }
    }
}

package dev.jumpgate.relay.bastion;

import dev.jumpgate.protocol.LogText;
import dev.jumpgate.relay.Access;
import dev.jumpgate.relay.Login;
import dev.jumpgate.relay.console.FirstAdmin;
import dev.jumpgate.transport.link.StreamHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.Closeable;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelAsyncOutputStream;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.future.DefaultCloseFuture;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.channel.AbstractServerChannel;

/**
 * A {@code direct-tcpip} channel (what {@code ssh -J} opens) joined to a stream on the device's link.
 *
 * <p>The channel is confirmed to the client only once the agent has answered 200, so every refusal reaches the
 * client as a channel-open failure with its reason, and no client byte can arrive before the stream exists.
 * Bytes the device sends right after its 200 (the SSH banner) are queued behind the confirmation, in order.
 *
 * <p>Backpressure, client to device: the SSH window is given back only when the stream write has gone out,
 * which HTTP/2 flow control holds while the device is not reading. Device to client: the stream is read again
 * only when the previous batch has been written into the client's SSH window.
 */
final class DeviceChannel extends AbstractServerChannel {

    static final long OPEN_TIMEOUT_SECONDS = 15;
    /** Device bytes being written to the client and waiting behind, at or beyond which the stream is not read. */
    static final int QUEUED = 256 * 1024;

    private final Access access;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile Http2StreamChannel stream;
    private volatile boolean endSent;
    private final ConcurrentLinkedQueue<ByteBuf> toDevice = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private ChannelAsyncOutputStream out;
    private String device;
    private String asked;

    DeviceChannel(Access access) {
        super("", List.of(), null);
        this.access = access;
    }

    static ChannelFactory factory(Access access) {
        return new ChannelFactory() {
            @Override
            public String getName() {
                return "direct-tcpip";
            }

            @Override
            public Channel createChannel(Session session) {
                // A claimant has proved nothing yet but a key: it gets no channel at all (null: "unknown type").
                if (FirstAdmin.USER.equals(session.getUsername())) {
                    return null;
                }
                return new DeviceChannel(access);
            }
        };
    }

    @Override
    protected OpenFuture doInit(Buffer buffer) {
        String host = buffer.getString();
        int port = buffer.getInt();
        asked = host + ":" + port;
        OpenFuture opening = new DefaultOpenFuture(this, this);
        String user = getSession().getUsername();
        Login login = getSession().getAttribute(SessionLogins.LOGIN);
        if (login == null) {
            fail(opening, SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, "this session has not logged in");
            return opening;
        }
        // Held before access is decided: a revoke that lands meanwhile either refuses this open or ends it.
        Runnable release = login.open(host, port, this::cut);
        addCloseFutureListener(f -> release.run());
        switch (access.decide(login, host, port)) {
            case Access.Decision.Refused r ->
                fail(
                        opening,
                        r.offline()
                                ? SshConstants.SSH_OPEN_CONNECT_FAILED
                                : SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
                        r.reason());
            case Access.Decision.Allowed a -> {
                device = a.device().value();
                out = new EofOnClose(this);
                a.link().openStream(new FromDevice(opening)).addListener(f -> {
                    if (!f.isSuccess()) {
                        fail(
                                opening,
                                SshConstants.SSH_OPEN_CONNECT_FAILED,
                                "device " + device + ": cannot open a stream on its link: "
                                        + f.cause().getMessage());
                        return;
                    }
                    Http2StreamChannel s = (Http2StreamChannel) f.getNow();
                    stream = s;
                    s.writeAndFlush(StreamHeaders.connect(a.authority(), user));
                    s.eventLoop()
                            .schedule(
                                    () -> {
                                        if (fail(
                                                opening,
                                                SshConstants.SSH_OPEN_CONNECT_FAILED,
                                                "device " + device + " did not answer within " + OPEN_TIMEOUT_SECONDS
                                                        + " s")) {
                                            s.close();
                                        }
                                    },
                                    OPEN_TIMEOUT_SECONDS,
                                    TimeUnit.SECONDS);
                });
            }
        }
        return opening;
    }

    /**
     * Access was taken away: the device's stream is cut at once, and the client is told the channel closed (an
     * immediate close would tell it nothing, and ssh would wait on a channel that no longer carries anything).
     */
    private void cut() {
        Http2StreamChannel s = stream;
        if (s != null) {
            s.close();
        }
        close(false);
    }

    /** Refuses the open with a reason the client sees; false if the open was already settled. */
    private boolean fail(OpenFuture opening, int code, String reason) {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        log.info("{} → {}: refused: {}", getSession().getUsername(), LogText.of(asked), LogText.of(reason));
        OpenFailures.note(getSession(), getRecipient(), reason);
        SshChannelOpenException e = new SshChannelOpenException(getChannelId(), code, reason);
        signalChannelOpenFailure(e);
        opening.setException(e);
        close(true);
        return true;
    }

    private boolean confirm(OpenFuture opening) {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        // The confirmation must be on the wire before any data: signal first, then open (MINA's order).
        signalChannelOpenSuccess();
        opening.setOpened();
        return true;
    }

    @Override
    public void handleWindowAdjust(Buffer buffer) throws IOException {
        super.handleWindowAdjust(buffer);
        if (out != null) {
            out.onWindowExpanded();
        }
    }

    /**
     * MINA's thread queues each packet's bytes; the stream's loop writes whatever has queued up and flushes once,
     * so that packets arriving faster than one TLS record and one socket write each share them. The copy is a
     * pooled buffer, released once written: with many sessions, the bytes waiting in HTTP/2's queues outlived
     * young collections as heap arrays, and the relay's pauses and old generation grew with them.
     */
    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        ByteBuf copy = stream.alloc().buffer((int) len);
        toDevice.add(copy.writeBytes(data, off, (int) len));
        if (drainScheduled.compareAndSet(false, true)) {
            stream.eventLoop().execute(this::drainToDevice);
        }
    }

    /** On the stream's loop: everything queued, as DATA frames, then one flush. */
    private void drainToDevice() {
        drainScheduled.set(false); // first: a packet queued after the loop below schedules another drain
        Http2StreamChannel s = stream;
        for (ByteBuf b; (b = toDevice.poll()) != null; ) {
            int len = b.readableBytes();
            s.write(new DefaultHttp2DataFrame(b)).addListener(f -> {
                if (f.isSuccess()) {
                    if (getLocalWindow().isOpen()) {
                        getLocalWindow().release(len);
                    }
                } else {
                    close(false);
                }
            });
        }
        s.flush();
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
        throw new IOException("direct-tcpip channels carry no extended data");
    }

    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        endStream();
    }

    private void endStream() {
        Http2StreamChannel s = stream;
        if (s != null && !endSent) {
            endSent = true;
            // Behind every packet already queued: on the loop, after draining them.
            s.eventLoop().execute(() -> {
                drainToDevice();
                s.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
            });
        }
    }

    @Override
    protected void preClose() {
        // The client is done with the channel: end our half cleanly so what is in flight still arrives, and cut
        // the stream if the device does not finish its half soon.
        Http2StreamChannel s = stream;
        if (s != null && s.isActive()) {
            endStream();
            s.eventLoop().schedule(() -> s.close(), 5, TimeUnit.SECONDS);
        }
        super.preClose();
    }

    @Override
    protected boolean mayWrite() {
        // Writing must stay possible while closing gracefully, so the output can flush and send EOF.
        return !isClosed();
    }

    @Override
    protected Closeable getInnerCloseable() {
        return builder().close(out).close(super.getInnerCloseable()).build();
    }

    /** Sends EOF once everything written before the close has gone out. */
    private static final class EofOnClose extends ChannelAsyncOutputStream {
        private final DeviceChannel channel;

        EofOnClose(DeviceChannel channel) {
            super(channel, SshConstants.SSH_MSG_CHANNEL_DATA);
            this.channel = channel;
        }

        @Override
        protected CloseFuture doCloseGracefully() {
            DefaultCloseFuture done = new DefaultCloseFuture(channel.getChannelId(), futureLock);
            super.doCloseGracefully().addListener(written -> {
                try {
                    IoWriteFuture eof = channel.sendEof();
                    if (eof != null) {
                        eof.addListener(f -> done.setClosed());
                        return;
                    }
                } catch (IOException e) {
                    channel.getSession().exceptionCaught(e);
                }
                done.setClosed();
            });
            return done;
        }
    }

    /**
     * The stream's side: the agent's answer, then the device's bytes towards the client.
     *
     * <p>MINA's output stream takes one write at a time, so what the device sends meanwhile queues up and goes
     * as the next batch. The stream is read on while a write is in flight, until it and what waits behind it
     * reach {@link #QUEUED} bytes: the loop then needs no wake-up when a write completes unless there is more to
     * write or it stopped reading, which is the common case of an interactive session (one echo, one write).
     */
    private final class FromDevice extends ChannelInboundHandlerAdapter {
        private final OpenFuture opening;
        /**
         * Added and taken on the loop; MINA's thread only looks whether it is empty. It outlives the stream: what
         * the device sent before its stream closed is still written out.
         */
        private final ConcurrentLinkedQueue<ByteBuf> pending = new ConcurrentLinkedQueue<>();
        /** Bytes in {@link #pending}; on the loop only. */
        private int queued;
        /** Bytes of the write in flight: set on the loop, cleared by its completion. */
        private volatile int inFlight;
        /** The loop stopped reading for want of room; the completion must call it back. */
        private volatile boolean paused;

        private final AtomicBoolean writing = new AtomicBoolean();
        private volatile boolean deviceEnded;
        private volatile boolean streamGone;
        private boolean eofSent;
        private boolean closed;

        FromDevice(OpenFuture opening) {
            this.opening = opening;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h && !opening.isDone()) {
                if (StreamHeaders.isAccepted(h.headers())) {
                    ctx.channel().config().setAutoRead(false);
                    if (!confirm(opening)) {
                        ctx.close();
                    }
                } else {
                    fail(opening, SshConstants.SSH_OPEN_CONNECT_FAILED, StreamHeaders.reason(h.headers()));
                    ctx.close();
                }
            } else if (msg instanceof Http2DataFrame data) {
                if (data.content().isReadable() && !isClosing()) {
                    queued += data.content().readableBytes();
                    pending.add(data.content());
                } else {
                    data.release();
                }
                deviceEnded |= data.isEndStream();
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            drain(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            streamGone = true;
            fail(
                    opening,
                    SshConstants.SSH_OPEN_CONNECT_FAILED,
                    "link to device " + device + " closed before it answered");
            drain(ctx);
        }

        /**
         * On the loop: writes what the device sent if no write is in flight, ends the client's side once all is
         * written and the device has ended, and reads on while less than {@link #QUEUED} bytes are held.
         */
        private void drain(ChannelHandlerContext ctx) {
            if (closed || !opening.isOpened()) {
                return;
            }
            if (!pending.isEmpty() && writing.compareAndSet(false, true)) {
                write(ctx);
            }
            if (pending.isEmpty() && !writing.get()) {
                // All written: the device's end becomes the client's EOF, the stream's close the channel's.
                if (streamGone) {
                    closed = true;
                    close(false);
                    return;
                }
                if (deviceEnded) {
                    if (!eofSent) {
                        eofSent = true;
                        out.close(false);
                    }
                    return;
                }
            }
            if (!deviceEnded && !streamGone) {
                // Set before looking at inFlight: a completion that clears it after this sees paused and calls.
                paused = true;
                if (queued + inFlight < QUEUED) {
                    paused = false;
                    ctx.read();
                }
            }
        }

        private void write(ChannelHandlerContext ctx) {
            ByteArrayBuffer batch = new ByteArrayBuffer(queued, false);
            for (ByteBuf b; (b = pending.poll()) != null; ) {
                int n = b.readableBytes();
                b.readBytes(batch.array(), batch.wpos(), n);
                batch.wpos(batch.wpos() + n);
                b.release();
            }
            inFlight = queued;
            queued = 0;
            try {
                out.writeBuffer(batch).addListener(f -> {
                    if (f.getException() != null) {
                        ctx.executor().execute(() -> {
                            ctx.close();
                            close(true);
                        });
                        return;
                    }
                    // Cleared before looking: whatever the loop queues after this either sees no write in flight
                    // and writes it itself, or is seen here.
                    inFlight = 0;
                    writing.set(false);
                    if (!pending.isEmpty() || paused || deviceEnded || streamGone) {
                        ctx.executor().execute(() -> drain(ctx));
                    }
                });
            } catch (IOException e) {
                inFlight = 0;
                writing.set(false);
                ctx.close();
                close(true);
            }
        }
    }
}

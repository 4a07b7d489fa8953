package dev.jumpgate.transport.poll;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;

/**
 * One end of an in-memory byte pipe: what one end writes, the other reads, in order, on the same event loop.
 * The link runs on one end exactly as on a socket; a transport pumps the other end's bytes elsewhere (long-poll
 * requests). Netty's own local channels need an event loop of their own kind; this works on any.
 *
 * <p>Bounded: a writer puts at most {@link #QUEUE_LIMIT} bytes into its peer's queue; beyond that its writes
 * stay in its outbound buffer, so it turns unwritable as over a socket and resumes when the peer reads.
 */
public final class PipeChannel extends AbstractChannel {

    static final int QUEUE_LIMIT = 256 * 1024;
    private static final ChannelMetadata METADATA = new ChannelMetadata(false);

    /** Shows in logs as the peer's address: what the pipe stands for ("poll 127.0.0.1:53122"). */
    public static final class Address extends SocketAddress {
        private static final long serialVersionUID = 1L;
        private final String name;

        Address(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final ChannelConfig config = new DefaultChannelConfig(this);
    private final ArrayDeque<Object> inbound = new ArrayDeque<>();
    private final SocketAddress address;
    private PipeChannel peer;
    private long queued;
    private boolean open = true;
    private boolean readPending;
    private boolean deliveryScheduled;
    private boolean peerGone;

    private PipeChannel(SocketAddress address) {
        super(null);
        this.address = address;
    }

    /**
     * Makes a connected pair on {@code loop}: {@code a} and {@code b} are installed on the two ends, which are
     * active as soon as registered. Completes once both are registered.
     */
    public static ChannelFuture pair(EventLoop loop, String name, ChannelHandler a, ChannelHandler b) {
        PipeChannel one = new PipeChannel(new Address(name));
        PipeChannel two = new PipeChannel(new Address(name));
        one.peer = two;
        two.peer = one;
        one.pipeline().addLast(a);
        two.pipeline().addLast(b);
        ChannelPromise both = one.newPromise();
        loop.register(two).addListener(f -> {
            if (!f.isSuccess()) {
                both.setFailure(f.cause());
                return;
            }
            loop.register(one).addListener(g -> {
                if (g.isSuccess()) {
                    both.setSuccess();
                } else {
                    two.close();
                    both.setFailure(g.cause());
                }
            });
        });
        return both;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new AbstractUnsafe() {
            @Override
            public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
                promise.setFailure(new UnsupportedOperationException("a pipe end is connected when made"));
            }
        };
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return true;
    }

    @Override
    protected SocketAddress localAddress0() {
        return address;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return address;
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("a pipe end cannot bind");
    }

    @Override
    protected void doDisconnect() {
        doClose();
    }

    @Override
    protected void doClose() {
        open = false;
        inbound.forEach(ReferenceCountUtil::release);
        inbound.clear();
        queued = 0;
        PipeChannel p = peer;
        if (p != null && p.open) {
            p.eventLoop().execute(p::peerClosed);
        }
    }

    /** The peer is gone: close once everything it wrote has been read, as a socket reads to EOF. */
    private void peerClosed() {
        peerGone = true;
        if (inbound.isEmpty()) {
            close();
        } else {
            scheduleDelivery();
        }
    }

    @Override
    protected void doBeginRead() {
        readPending = true;
        scheduleDelivery();
    }

    private void scheduleDelivery() {
        if (!deliveryScheduled && open) {
            deliveryScheduled = true;
            eventLoop().execute(this::deliver);
        }
    }

    private void deliver() {
        deliveryScheduled = false;
        if (!open || !readPending || inbound.isEmpty()) {
            return;
        }
        readPending = config.isAutoRead();
        int batch = 0;
        for (Object msg; batch < 16 && (msg = inbound.poll()) != null; batch++) {
            queued -= msg instanceof ByteBuf b ? b.readableBytes() : 0;
            pipeline().fireChannelRead(msg);
        }
        pipeline().fireChannelReadComplete();
        if (peerGone && inbound.isEmpty()) {
            close();
            return;
        }
        if (peer.isActive()) {
            peer.unsafe().flush(); // room again: let a writer held back by the limit go on
        }
        if (readPending && !inbound.isEmpty()) {
            scheduleDelivery();
        }
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer out) throws Exception {
        PipeChannel p = peer;
        for (Object msg; (msg = out.current()) != null; ) {
            if (!p.open) {
                out.remove(new ClosedChannelException());
                continue;
            }
            if (p.queued >= QUEUE_LIMIT) {
                break;
            }
            p.inbound.add(ReferenceCountUtil.retain(msg));
            p.queued += msg instanceof ByteBuf b ? b.readableBytes() : 0;
            out.remove();
        }
        p.scheduleDelivery();
    }

    @Override
    public ChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open && isRegistered();
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }
}

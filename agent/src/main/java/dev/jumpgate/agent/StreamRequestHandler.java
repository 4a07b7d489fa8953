package dev.jumpgate.agent;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.protocol.LogText;
import dev.jumpgate.protocol.StreamRequest;
import dev.jumpgate.transport.link.StreamHeaders;
import dev.jumpgate.transport.stream.Splice;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream the relay opened: read its request, connect to the local target, answer 200 and splice, or
 * answer with the reason it cannot be served. Frames that arrive while the local connection is being made are
 * held in order and written first once it is up.
 */
final class StreamRequestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(StreamRequestHandler.class);
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final Targets targets;
    private final Queue<Object> held = new ArrayDeque<>();
    private ChannelFuture connecting;

    StreamRequestHandler(Targets targets) {
        this.targets = targets;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (connecting == null && msg instanceof Http2HeadersFrame headers) {
            ctx.channel().config().setAutoRead(false);
            request(ctx, headers);
        } else if (connecting == null) {
            ReferenceCountUtil.release(msg);
            ctx.close();
        } else {
            held.add(msg);
        }
    }

    private void request(ChannelHandlerContext ctx, Http2HeadersFrame frame) {
        Http2StreamChannel stream = (Http2StreamChannel) ctx.channel();
        CharSequence authority = frame.headers().authority();
        CharSequence user = frame.headers().get(StreamRequest.USER_HEADER);
        HostPort requested;
        try {
            requested = HostPort.parse(authority == null ? null : authority.toString());
        } catch (IllegalArgumentException e) {
            refuse(ctx, StreamRequest.STATUS_FORBIDDEN, "bad stream request: " + e.getMessage());
            return;
        }
        Optional<HostPort> target = targets.resolve(requested);
        if (target.isEmpty()) {
            refuse(
                    ctx,
                    StreamRequest.STATUS_FORBIDDEN,
                    "device " + targets.device() + " does not allow " + requested + "; its agent allows "
                            + targets.describeAllowed());
            return;
        }
        HostPort to = target.get();
        connecting = new Bootstrap()
                .group(stream.eventLoop())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {}
                })
                .connect(to.host(), to.port());
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                String why = f.cause().getMessage();
                log.warn("stream for {} to {}: cannot connect: {}", LogText.of(user), to, LogText.of(why));
                refuse(
                        ctx,
                        StreamRequest.STATUS_BAD_GATEWAY,
                        "device " + targets.device() + " cannot connect to " + to + ": " + why);
                return;
            }
            if (!stream.isActive()) {
                connecting.channel().close();
                return;
            }
            log.info("stream {} for {} to {}", stream.stream().id(), LogText.of(user), to);
            stream.writeAndFlush(StreamHeaders.accepted());
            ctx.pipeline().remove(this);
            Splice.join(stream, held, (SocketChannel) connecting.channel());
        });
    }

    private void refuse(ChannelHandlerContext ctx, String status, String reason) {
        ctx.writeAndFlush(StreamHeaders.refused(status, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (connecting != null) {
            connecting.channel().close();
        }
        held.forEach(ReferenceCountUtil::release);
        held.clear();
        super.channelInactive(ctx);
    }
}

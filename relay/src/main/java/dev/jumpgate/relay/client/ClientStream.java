package dev.jumpgate.relay.client;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.protocol.LogText;
import dev.jumpgate.protocol.StreamRequest;
import dev.jumpgate.relay.Access;
import dev.jumpgate.relay.DeviceList;
import dev.jumpgate.relay.Login;
import dev.jumpgate.relay.store.StoreBusyException;
import dev.jumpgate.transport.link.StreamHeaders;
import dev.jumpgate.transport.stream.Splice;
import dev.jumpgate.transport.stream.StreamAnswer;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream a logged-in client opened: a {@code CONNECT DEVICE:PORT} becomes a stream to that device, spliced
 * to this one, under the same grants as {@code ssh -J}; a {@code GET} answers one of the relay's read-only
 * queries ({@link ClientRequests}). Client bytes sent before the device answered are held and go first.
 */
final class ClientStream extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ClientStream.class);

    private final Login login;
    private final String user;
    private final Access access;
    private final DeviceList devices;
    private final Executor blocking;
    private final Queue<Object> held = new ArrayDeque<>();
    private boolean requested;

    ClientStream(Login login, Access access, DeviceList devices, Executor blocking) {
        this.login = login;
        this.user = login.user();
        this.access = access;
        this.devices = devices;
        this.blocking = blocking;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (requested) {
            held.add(msg);
            return;
        }
        if (!(msg instanceof Http2HeadersFrame frame)) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        requested = true;
        ctx.channel().config().setAutoRead(false);
        Http2Headers h = frame.headers();
        String method = String.valueOf(h.method());
        if (method.equals("GET")) {
            String path = String.valueOf(h.path());
            offload(
                    ctx,
                    () -> {
                        if (!access.holds(login.key())) {
                            ctx.executor()
                                    .execute(() -> refuse(
                                            ctx,
                                            StreamRequest.STATUS_FORBIDDEN,
                                            "key " + login.key().fingerprint() + " is no longer a key of user '" + user
                                                    + "'"));
                            return;
                        }
                        String body = ClientRequests.answer(path, user, devices);
                        ctx.executor()
                                .execute(() -> respond(
                                        ctx,
                                        body == null ? "404" : "200",
                                        body == null ? "no such query: " + path : body));
                    },
                    why -> respond(ctx, "503", why));
        } else if (method.equals("CONNECT")) {
            connect(ctx, h);
        } else {
            respond(ctx, "405", "use CONNECT or GET");
        }
    }

    private void connect(ChannelHandlerContext ctx, Http2Headers h) {
        HostPort requested;
        try {
            requested = HostPort.parse(String.valueOf(h.authority()));
        } catch (IllegalArgumentException e) {
            refuse(ctx, StreamRequest.STATUS_FORBIDDEN, "bad request: " + e.getMessage());
            return;
        }
        CharSequence targetHost = h.get(StreamRequest.TARGET_HOST_HEADER);
        // Held before access is decided: a revoke that lands meanwhile either refuses this stream or ends it.
        Runnable release = login.open(
                requested.host(), requested.port(), () -> ctx.channel().close());
        ctx.channel().closeFuture().addListener(f -> release.run());
        offload(
                ctx,
                () -> {
                    Access.Decision d = access.decide(login, requested.host(), requested.port());
                    ctx.executor().execute(() -> {
                        switch (d) {
                            case Access.Decision.Refused r ->
                                refuse(ctx, r.offline() ? "503" : StreamRequest.STATUS_FORBIDDEN, r.reason());
                            case Access.Decision.Allowed a -> {
                                String authority = targetHost == null
                                        ? a.authority()
                                        : new HostPort(targetHost.toString(), requested.port()).toString();
                                openDevice(ctx, a, authority);
                            }
                        }
                    });
                },
                why -> refuse(ctx, "503", why));
    }

    /**
     * Runs store work off the loop. A full queue or a store too busy to answer gets {@code busy} on the loop with
     * the reason, rather than leave the stream waiting for an answer that never comes.
     */
    private void offload(ChannelHandlerContext ctx, Runnable work, Consumer<String> busy) {
        try {
            blocking.execute(() -> {
                try {
                    work.run();
                } catch (StoreBusyException e) {
                    ctx.executor().execute(() -> busy.accept(e.getMessage()));
                }
            });
        } catch (RejectedExecutionException e) {
            busy.accept("relay busy: too many requests waiting for its database; try again in a minute");
        }
    }

    private void openDevice(ChannelHandlerContext ctx, Access.Decision.Allowed a, String authority) {
        Http2StreamChannel client = (Http2StreamChannel) ctx.channel();
        AtomicBoolean settled = new AtomicBoolean();
        StreamAnswer answer = new StreamAnswer((headers, device) -> {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            Http2StreamChannel deviceStream = device.stream();
            if (headers == null || !StreamHeaders.isAccepted(headers)) {
                String why = headers == null
                        ? "link to device " + a.device() + " closed before it answered"
                        : StreamHeaders.reason(headers);
                String status = headers == null ? StreamRequest.STATUS_BAD_GATEWAY : String.valueOf(headers.status());
                client.eventLoop().execute(() -> refuse(ctx, status, why));
                deviceStream.close();
                return;
            }
            log.info("client {} → {} ({})", user, a.device(), LogText.of(authority));
            client.writeAndFlush(StreamHeaders.accepted());
            Splice.join(client, this, held, deviceStream, device, device.held());
        });
        a.link().openStream(answer).addListener(f -> {
            if (!f.isSuccess()) {
                settled.set(true);
                client.eventLoop()
                        .execute(() -> refuse(
                                ctx,
                                StreamRequest.STATUS_BAD_GATEWAY,
                                "device " + a.device() + ": cannot open a stream on its link"));
                return;
            }
            Http2StreamChannel deviceStream = (Http2StreamChannel) f.getNow();
            deviceStream.writeAndFlush(StreamHeaders.connect(authority, user));
            client.closeFuture().addListener(c -> {
                if (settled.compareAndSet(false, true)) {
                    deviceStream.close(); // the client left before the device answered
                }
            });
            deviceStream
                    .eventLoop()
                    .schedule(
                            () -> {
                                if (settled.compareAndSet(false, true)) {
                                    client.eventLoop()
                                            .execute(() -> refuse(
                                                    ctx,
                                                    StreamRequest.STATUS_BAD_GATEWAY,
                                                    "device " + a.device() + " did not answer within 15 s"));
                                    deviceStream.close();
                                }
                            },
                            15,
                            TimeUnit.SECONDS);
        });
    }

    private void refuse(ChannelHandlerContext ctx, String status, String reason) {
        log.info("client {} refused: {}", user, LogText.of(reason));
        ctx.writeAndFlush(StreamHeaders.refused(status, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    private void respond(ChannelHandlerContext ctx, String status, String body) {
        ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(status), false));
        ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), true));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        held.forEach(ReferenceCountUtil::release);
        held.clear();
        super.channelInactive(ctx);
    }
}

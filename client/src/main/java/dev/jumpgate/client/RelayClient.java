package dev.jumpgate.client;

import dev.jumpgate.client.keys.Signers;
import dev.jumpgate.protocol.BuildVersion;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.protocol.StreamRequest;
import dev.jumpgate.transport.Backoff;
import dev.jumpgate.transport.Causes;
import dev.jumpgate.transport.Route;
import dev.jumpgate.transport.RoutePlan;
import dev.jumpgate.transport.StartupTrace;
import dev.jumpgate.transport.Transport;
import dev.jumpgate.transport.link.ClientLink;
import dev.jumpgate.transport.link.LinkDialer;
import dev.jumpgate.transport.link.LinkRefusedException;
import dev.jumpgate.transport.link.Signer;
import dev.jumpgate.transport.link.StreamHeaders;
import dev.jumpgate.transport.proxy.HttpProxy;
import dev.jumpgate.transport.proxy.ProxyEnvironment;
import dev.jumpgate.transport.proxy.ProxyFailures;
import dev.jumpgate.transport.stream.StreamAnswer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A logged-in client's link to its relay: opens streams to devices and asks the relay's read-only queries.
 * All its channels share one event loop, so local sockets and the streams they are spliced to never cross
 * threads.
 */
public final class RelayClient implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 20;

    private final EventLoopGroup group;
    private volatile ClientLink link;
    private final ClientConfig config;
    private final Optional<Path> keyFile;
    private volatile boolean closed;

    private RelayClient(EventLoopGroup group, LoggedIn first, ClientConfig config) {
        this.group = group;
        this.link = first.link();
        this.keyFile = first.key().file();
        this.config = config;
    }

    /** A link, and the key the relay took on it. */
    private record LoggedIn(ClientLink link, Signers.Candidate key) {}

    /** Dials the relay and logs in, trying the user's keys in turn until the relay takes one. */
    public static RelayClient connect(ClientConfig config) throws IOException, InterruptedException {
        return connect(config, List.of());
    }

    /**
     * As {@link #connect(ClientConfig)}, with {@code keyFiles} tried after ssh-agent's keys instead of the default
     * files when the config names no identity: the files ssh would offer this relay.
     */
    public static RelayClient connect(ClientConfig config, List<Path> keyFiles)
            throws IOException, InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            return new RelayClient(group, login(group, config, keyFiles), config);
        } catch (IOException | InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static LoggedIn login(EventLoopGroup group, ClientConfig config, List<Path> keyFiles)
            throws IOException, InterruptedException {
        var candidates = Signers.candidates(config.identity(), keyFiles);
        StartupTrace.mark("keys-listed");
        if (candidates.isEmpty()) {
            throw new IOException("no SSH key to log in with: add yours to ssh-agent, or run "
                    + "`jumpgate login -i KEY_FILE " + config.relay() + "`");
        }
        StringBuilder refused = new StringBuilder();
        List<Route> routes = plan().routes(config.link());
        int works = 0;
        for (Signers.Candidate c : candidates) {
            CompletableFuture<Signer> key = new CompletableFuture<>();
            List<Route> tried = routes.subList(Math.max(0, works), routes.size());
            List<String> failed = new ArrayList<>();
            for (Route route : tried) {
                Future<ClientLink> dial =
                        LinkDialer.dialAsClient(group, route, config.pin(), config.user(), key, BuildVersion.ANNOUNCED);
                if (!key.isDone()) {
                    load(c, key); // here, while the event loop connects and runs TLS
                }
                if (key.isCompletedExceptionally()) {
                    dial.cancel(false);
                    refused.append("\n  ").append(key.exceptionNow().getMessage());
                    break;
                }
                try {
                    return new LoggedIn(dial.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), c);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof LinkRefusedException r && r.reason() == LinkMessage.Reason.NOT_AUTHENTICATED) {
                        refused.append("\n  ")
                                .append(key.join().describe())
                                .append(": ")
                                .append(r.getMessage());
                        works = routes.indexOf(route); // this way reaches the relay: keep it for the next key
                        break;
                    }
                    failed.add((routes.size() > 1 ? route.transport() + ": " : "") + describe(config, cause));
                } catch (TimeoutException e) {
                    failed.add((routes.size() > 1 ? route.transport() + ": " : "") + "relay " + config.link()
                            + " did not answer within " + TIMEOUT_SECONDS + " s");
                }
                if (route == tried.get(tried.size() - 1)) {
                    throw new IOException(String.join("; ", failed));
                }
            }
        }
        throw new IOException(
                "relay " + config.relay() + " took none of your keys as user '" + config.user() + "':" + refused);
    }

    private static void load(Signers.Candidate c, CompletableFuture<Signer> key) {
        try {
            key.complete(c.load());
            StartupTrace.mark("key-loaded");
        } catch (IOException e) {
            key.completeExceptionally(e);
        }
    }

    /**
     * The client's transports come from the environment, since every client command dials:
     * {@code JUMPGATE_TRANSPORT} (auto, tls, websocket, http-poll; default tls), {@code JUMPGATE_PROXY} (else
     * {@code HTTPS_PROXY} / {@code https_proxy}, unless {@code NO_PROXY} names the relay) and
     * {@code JUMPGATE_RELAY_HTTP} (the relay's plain-HTTP long-poll port).
     */
    static RoutePlan plan() {
        String t = System.getenv().getOrDefault("JUMPGATE_TRANSPORT", "tls");
        Optional<Transport> forced = t.equalsIgnoreCase("auto") ? Optional.empty() : Optional.of(Transport.parse(t));
        return new RoutePlan(
                forced,
                Optional.ofNullable(System.getenv("JUMPGATE_PROXY")).map(HttpProxy::parse),
                Optional.ofNullable(System.getenv("JUMPGATE_RELAY_HTTP")).map(URI::create),
                ProxyEnvironment.system());
    }

    static String describe(ClientConfig config, Throwable t) {
        if (t instanceof ProxyFailures.ProxyRefusedException) {
            return t.getMessage();
        }
        if (t instanceof ConnectException) {
            return "cannot reach relay " + config.link() + ": " + t.getMessage();
        }
        Optional<String> tls = Causes.tlsFailure(t);
        if (tls.isPresent()) {
            return "TLS with relay " + config.link() + " failed: " + tls.get();
        }
        return "relay " + config.link() + ": " + t.getMessage();
    }

    public ClientConfig config() {
        return config;
    }

    /** The key file the relay took at the first login; empty when it was a key ssh-agent holds. */
    public Optional<Path> keyFile() {
        return keyFile;
    }

    /**
     * For commands that serve until stopped ({@code connect}, {@code tunnel}): whenever the link closes, dial and
     * log in again after a jittered backoff, as the agent does, until linked or {@link #close closed}. Streams
     * asked for meanwhile fail at once. {@code say} hears of each loss and return.
     */
    public void stayLinked(Consumer<String> say) {
        Thread.ofPlatform().daemon().name("relink").start(() -> {
            Backoff backoff = Backoff.relink();
            try {
                while (!closed) {
                    Instant linked = Instant.now();
                    link.closeFuture().await();
                    if (closed) {
                        return;
                    }
                    backoff.linkLasted(Duration.between(linked, Instant.now()));
                    say.accept("the link to relay " + config.link() + " closed; linking again");
                    relink(backoff, say);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void relink(Backoff backoff, Consumer<String> say) throws InterruptedException {
        while (!closed) {
            Thread.sleep(backoff.next().toMillis());
            try {
                ClientLink again = login(group, config, List.of()).link();
                if (closed) {
                    again.close();
                    return;
                }
                link = again;
                say.accept("linked to relay " + config.link() + " again");
                return;
            } catch (IOException e) {
                say.accept(e.getMessage() + "; trying again");
            }
        }
    }

    public EventLoopGroup group() {
        return group;
    }

    /**
     * Opens a stream to {@code device}:{@code port} ({@code targetHost}, if not null, as the device sees it). The
     * future completes once the relay answered 200 (with the frames that came right after), or fails with
     * {@link StreamRefusedException}.
     */
    public CompletableFuture<StreamAnswer> open(String device, int port, String targetHost) {
        CompletableFuture<StreamAnswer> opened = new CompletableFuture<>();
        StreamAnswer answer = new StreamAnswer((headers, a) -> {
            if (headers == null) {
                opened.completeExceptionally(new IOException("the relay closed the stream without an answer"));
            } else if (!StreamHeaders.isAccepted(headers)) {
                opened.completeExceptionally(
                        new StreamRefusedException(String.valueOf(headers.status()), StreamHeaders.reason(headers)));
            } else {
                StartupTrace.mark("stream-open");
                opened.complete(a);
            }
        });
        link.openStream(answer).addListener(f -> {
            if (!f.isSuccess()) {
                opened.completeExceptionally(
                        new IOException("link to the relay failed: " + f.cause().getMessage()));
                return;
            }
            Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
            Http2HeadersFrame connect = StreamHeaders.connect(device + ":" + port, config.user());
            if (targetHost != null) {
                connect.headers().set(StreamRequest.TARGET_HOST_HEADER, targetHost);
            }
            stream.writeAndFlush(connect);
            StartupTrace.mark("stream-requested");
        });
        return opened;
    }

    /** Blocking {@link #open}; for the main thread, never an event loop. */
    public StreamAnswer openAndWait(String device, int port, String targetHost)
            throws IOException, InterruptedException {
        return await(open(device, port, targetHost));
    }

    /** One of the relay's queries ({@link StreamRequest#DEVICES_PATH}...), as text. */
    public String get(String path) throws IOException, InterruptedException {
        CompletableFuture<String> body = new CompletableFuture<>();
        link.openStream(new ChannelInboundHandlerAdapter() {
                    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    private String status;

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        try {
                            if (msg instanceof Http2HeadersFrame h) {
                                status = String.valueOf(h.headers().status());
                            } else if (msg instanceof Http2DataFrame d) {
                                ByteBuf c = d.content();
                                byte[] chunk = new byte[c.readableBytes()];
                                c.readBytes(chunk);
                                bytes.writeBytes(chunk);
                                if (d.isEndStream()) {
                                    String text = bytes.toString(StandardCharsets.UTF_8);
                                    if ("200".equals(status)) {
                                        body.complete(text);
                                    } else {
                                        body.completeExceptionally(new IOException("relay: " + text.strip()));
                                    }
                                }
                            }
                        } finally {
                            ReferenceCountUtil.release(msg);
                        }
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        body.completeExceptionally(new IOException("the relay closed the request without an answer"));
                    }
                })
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        body.completeExceptionally(f.cause());
                        return;
                    }
                    Http2Headers h = new DefaultHttp2Headers()
                            .method("GET")
                            .path(path)
                            .scheme("https")
                            .authority("relay");
                    ((Http2StreamChannel) f.getNow()).writeAndFlush(new DefaultHttp2HeadersFrame(h, true));
                });
        return await(body);
    }

    private static <T> T await(CompletableFuture<T> f) throws IOException, InterruptedException {
        try {
            return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the relay did not answer within " + TIMEOUT_SECONDS + " s");
        }
    }

    public boolean isActive() {
        return link.isActive();
    }

    public ChannelFuture closeFuture() {
        return link.closeFuture();
    }

    @Override
    public void close() {
        closed = true;
        link.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}

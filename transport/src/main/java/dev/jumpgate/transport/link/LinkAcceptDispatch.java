package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.LinkCodec;
import dev.jumpgate.protocol.LogText;
import dev.jumpgate.transport.Causes;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler after TLS on the relay's link port: reads the 4-byte magic and hands the connection to the
 * handshake it names, agent or client, or to the HTTP side ({@code GET }, {@code POST}: WebSocket and
 * long-poll). Anything else is closed.
 */
final class LinkAcceptDispatch extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(LinkAcceptDispatch.class);
    static final String NAME = "port";
    private static final byte[] GET = "GET ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] POST = "POST".getBytes(StandardCharsets.US_ASCII);

    private final Supplier<ChannelHandler> agents;
    private final Supplier<ChannelHandler> clients;
    /** For HTTP (WebSocket upgrades, long-poll); null inside a WebSocket, where HTTP cannot nest. */
    private final Supplier<HttpAcceptDispatch> http;

    LinkAcceptDispatch(
            Supplier<ChannelHandler> agents, Supplier<ChannelHandler> clients, Supplier<HttpAcceptDispatch> http) {
        this.agents = agents;
        this.clients = clients;
        this.http = http;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        byte[] magic = new byte[4];
        in.getBytes(in.readerIndex(), magic);
        // The chosen handshake reads the magic again; replacing this decoder hands it the unread bytes.
        if (Arrays.equals(magic, LinkCodec.MAGIC)) {
            ctx.pipeline().replace(this, AgentAcceptHandshake.NAME, agents.get());
        } else if (Arrays.equals(magic, LinkCodec.CLIENT_MAGIC)) {
            ctx.pipeline().replace(this, ClientAcceptHandshake.NAME, clients.get());
        } else if (http != null && (Arrays.equals(magic, GET) || Arrays.equals(magic, POST))) {
            HttpAcceptDispatch.install(ctx.pipeline(), NAME, http.get());
        } else {
            log.info(
                    "connection from {} is not a jumpgate link (bad magic), closing",
                    ctx.channel().remoteAddress());
            in.skipBytes(in.readableBytes());
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.info(
                "connection from {} failed before its handshake: {}",
                ctx.channel().remoteAddress(),
                LogText.of(reason(cause)));
        ctx.close();
    }

    /**
     * The innermost cause, which says what happened: a peer that gives up its TLS handshake (its own timeout, in a
     * storm of agents relinking) sends a plaintext {@code user_canceled} alert, which JSSE reports as
     * "SSLProtocolException: Unexpected exception" around the cause that names the alert.
     */
    static String reason(Throwable cause) {
        Throwable root = Causes.root(cause);
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}

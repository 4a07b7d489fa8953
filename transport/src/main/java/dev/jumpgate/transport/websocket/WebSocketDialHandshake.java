package dev.jumpgate.transport.websocket;

import dev.jumpgate.protocol.HostPort;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import java.net.URI;

/**
 * The dialling side of the WebSocket upgrade: {@code GET /v1/link} with {@code Upgrade: websocket} inside the
 * TLS, answered by {@link WebSocketAcceptHandshake}. Netty's protocol handler runs it and, once done, sends the
 * {@code HANDSHAKE_COMPLETE} event on which {@link WsBytes} tells the link its pipe is ready.
 */
public final class WebSocketDialHandshake {

    private WebSocketDialHandshake() {}

    /** Adds the HTTP client and the upgrade, to run once the TLS below is up. */
    static void install(ChannelPipeline p, HostPort relay) {
        p.addLast("http", new HttpClientCodec());
        p.addLast("http-body", new HttpObjectAggregator(16 * 1024));
        p.addLast("ws", new WebSocketClientProtocolHandler(config(relay)));
    }

    private static WebSocketClientProtocolConfig config(HostPort r) {
        String host = r.host().contains(":") ? "[" + r.host() + "]" : r.host();
        return WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(URI.create("wss://" + host + ":" + r.port() + WsBytes.PATH))
                .maxFramePayloadLength(WsBytes.MAX_FRAME)
                .allowExtensions(false)
                .generateOriginHeader(false)
                .dropPongFrames(true)
                .performMasking(false)
                .handshakeTimeoutMillis(15_000)
                .build();
    }
}

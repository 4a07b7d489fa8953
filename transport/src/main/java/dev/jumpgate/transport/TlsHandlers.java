package dev.jumpgate.transport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;

/** Makes the TLS handler of one connection to {@code peerHost:peerPort}; {@code SslContext::newHandler} is one. */
@FunctionalInterface
public interface TlsHandlers {

    SslHandler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort);
}

package dev.jumpgate.transport.tls;

import dev.jumpgate.protocol.Fingerprint;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;

/** The TLS configurations of links: TLS 1.3 only; agents present a certificate, clients do not. */
public final class TlsContexts {

    private static final String[] PROTOCOLS = {"TLSv1.3"};

    private TlsContexts() {
    }

    public static SslContext relay(TlsIdentity relay) {
        try {
            return SslContextBuilder.forServer(relay.key(), relay.certificate())
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .clientAuth(ClientAuth.OPTIONAL)
                    .trustManager(new DeferredClientTrustManager())
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the relay TLS context", e);
        }
    }

    /** A client proves its user with an SSH signature inside the link, so it presents no certificate. */
    public static SslContext client(Fingerprint relayPin) {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .trustManager(new PinnedTrustManager(relayPin))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the client TLS context", e);
        }
    }

    public static SslContext agent(TlsIdentity agent, Fingerprint relayPin) {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .keyManager(agent.key(), agent.certificate())
                    .trustManager(new PinnedTrustManager(relayPin))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the agent TLS context", e);
        }
    }
}

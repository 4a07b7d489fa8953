package dev.jumpgate.transport.tls;

import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.transport.TlsHandlers;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/** The TLS configurations of links: TLS 1.3 only; agents present a certificate, clients do not. */
public final class TlsContexts {

    private static final String[] PROTOCOLS = {"TLSv1.3"};
    private static final String[] NAMED_GROUPS = {"x25519"};

    private TlsContexts() {}

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

    /**
     * The client's TLS for links over TCP, on the JDK's {@link SSLContext} without Netty's {@code SslContext}:
     * Netty's JDK context loads the JDK's whole CA trust store when its class initialises (about a tenth of a
     * second), which a pinned client never reads and {@code jumpgate proxy} would pay at every ssh connection.
     */
    public static TlsHandlers quickClient(Fingerprint relayPin) {
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLSv1.3");
            context.init(null, new TrustManager[] {new PinnedTrustManager(relayPin)}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the client TLS context", e);
        }
        return (alloc, host, port) -> {
            SSLEngine engine = context.createSSLEngine(host, port);
            engine.setUseClientMode(true);
            SSLParameters p = engine.getSSLParameters();
            p.setProtocols(PROTOCOLS);
            // One key share rather than the JDK's two (x25519 and P-256): a key pair less to make, cold, per start.
            p.setNamedGroups(NAMED_GROUPS);
            engine.setSSLParameters(p);
            return new SslHandler(engine);
        };
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

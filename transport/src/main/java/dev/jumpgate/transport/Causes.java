package dev.jumpgate.transport;

import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;

/** What a chain of wrapped exceptions says at its bottom, for one-line messages instead of stack traces. */
public final class Causes {

    private Causes() {}

    /** The innermost cause: Netty and JSSE wrap the exception that names what happened two or three deep. */
    public static Throwable root(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** Why TLS failed, if a handshake or certificate failure is in the chain: the innermost cause's message. */
    public static Optional<String> tlsFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLHandshakeException || c instanceof CertificateException) {
                return Optional.of(String.valueOf(root(c).getMessage()));
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return Optional.empty();
    }
}

package dev.jumpgate.transport.proxy;

import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyConnectException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what goes wrong at a proxy into one line a person can act on. Netty reports a CONNECT refusal as a
 * {@link ProxyConnectException} whose message carries the status; 407 and 403 get their own advice.
 */
public final class ProxyFailures {

    private ProxyFailures() {}

    /** The proxy answered {@code status} to a request for {@code what}. */
    public static IOException refused(HttpProxy proxy, int status, String what) {
        return switch (status) {
            // 407 is the rule; some proxies (tinyproxy 1.11) answer CONNECT with 401 instead.
            case 401, 407 ->
                new ProxyRefusedException(
                        proxy.user()
                                .map(u -> "proxy " + proxy.address() + " refused the credentials for user '" + u + "' ("
                                        + status + ")")
                                .orElse("proxy " + proxy.address() + " requires authentication (" + status
                                        + "): pass --proxy "
                                        + "http://USER@" + proxy.address().substring(7) + " and the password in"
                                        + " --proxy-password-file FILE or JUMPGATE_PROXY_PASSWORD"),
                        status);
            case 403 ->
                new ProxyRefusedException(
                        "proxy " + proxy.address() + " refused " + what + " (403): "
                                + "it allows no such request; "
                                + "try another --transport (http-poll passes plain HTTP only)",
                        status);
            default ->
                new ProxyRefusedException("proxy " + proxy.address() + " answered " + status + " to " + what, status);
        };
    }

    /** Explains {@code cause} if it came from the proxy; returns it unchanged otherwise. */
    public static Throwable explain(HttpProxy proxy, String what, Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof HttpProxyHandler.HttpProxyConnectException e) {
                Matcher m = Pattern.compile("status: (\\d{3})").matcher(e.getMessage());
                if (m.find()) {
                    return refused(proxy, Integer.parseInt(m.group(1)), what);
                }
            }
            if (c instanceof ProxyConnectException e) {
                return new IOException(
                        "proxy " + proxy.address() + " failed to open " + what + ": "
                                + e.getMessage().replaceFirst("^.*=> \\S+, ", ""),
                        e);
            }
            if (c instanceof ConnectException e) {
                return new IOException("cannot reach proxy " + proxy.address() + ": " + e.getMessage(), e);
            }
        }
        return cause;
    }

    /** The proxy said no: trying again the same way will not help, another transport may. */
    public static final class ProxyRefusedException extends IOException {
        private final int status;

        ProxyRefusedException(String message, int status) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}

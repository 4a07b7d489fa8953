package dev.jumpgate.transport.proxy;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * An HTTP proxy to go out through: {@code http://[user:password@]host[:port]}. The password never leaves this
 * record except as a {@code Proxy-Authorization} header; {@link #toString()} masks it, so the record is safe to
 * log.
 */
public record HttpProxy(String host, int port, Optional<String> user, Optional<String> password) {

    public HttpProxy {
        if (password.isPresent() && user.isEmpty()) {
            throw new IllegalArgumentException("a proxy password needs a user");
        }
    }

    /**
     * Parses {@code [http://][user[:pass]@]host[:port][/]} (port default 3128, percent-escapes allowed in user and
     * pass, IPv6 hosts in brackets).
     */
    public static HttpProxy parse(String url) {
        String text = url.strip();
        if (!text.contains("://")) {
            text = "http://" + text;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("proxy '" + mask(url) + "' is not a URL like http://host:port");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("proxy '" + mask(url) + "': only http:// proxies are supported "
                    + "(the proxy connection itself is plain HTTP; the link inside stays TLS)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("proxy '" + mask(url) + "' names no host");
        }
        if (uri.getPort() > 65535) {
            throw new IllegalArgumentException(
                    "proxy '" + mask(url) + "': port " + uri.getPort() + " is not a port (1-65535)");
        }
        // Unescaped, these would split a password and make the rest of it a host or a fragment.
        if (text.indexOf('@') != text.lastIndexOf('@') || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("proxy '" + mask(url) + "': write @, # and ? in a user or password as"
                    + " %40, %23 and %3F, or pass the password with --proxy-password-file");
        }
        Optional<String> user = Optional.empty();
        Optional<String> pass = Optional.empty();
        String info = uri.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            user = Optional.of(decode(colon < 0 ? info : info.substring(0, colon)));
            pass = colon < 0 ? Optional.of("") : Optional.of(decode(info.substring(colon + 1)));
        }
        String host = uri.getHost().startsWith("[")
                ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return new HttpProxy(host, uri.getPort() > 0 ? uri.getPort() : 3128, user, pass);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /**
     * {@code text} with the password of a proxy URL in it replaced: for messages that echo what was typed. The
     * password runs from the first colon after the scheme (or the start, as {@code --proxy} takes
     * {@code user:pass@host} too) to the last {@code @}: a password typed without percent-escapes may hold
     * {@code @}, {@code /} or {@code #}, which end no password here, and a host never holds {@code @}. Masking a
     * port or path by mistake costs nothing; leaking part of a password would.
     */
    public static String mask(String text) {
        int scheme = text.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int at = text.lastIndexOf('@');
        int colon = text.indexOf(':', start);
        if (at < start || colon < 0 || colon > at) {
            return text;
        }
        return text.substring(0, colon + 1) + "****" + text.substring(at);
    }

    /** This proxy with {@code secret} as its password, for a password read from a file or the environment. */
    public HttpProxy withPassword(String secret) {
        if (user.isEmpty()) {
            throw new IllegalArgumentException("a proxy password needs a user: name it in the proxy URL, as "
                    + "http://USER@" + address().substring(7));
        }
        return new HttpProxy(host, port, user, Optional.of(secret));
    }

    public boolean hasCredentials() {
        return user.isPresent();
    }

    /** The {@code Proxy-Authorization} value for Basic authentication, when there are credentials. */
    public Optional<String> basicAuthorization() {
        return user.map(u -> "Basic "
                + Base64.getEncoder().encodeToString((u + ":" + password.orElse("")).getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code http://host:port}, without credentials. */
    public String address() {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return user.map(u -> "http://" + u + ":****@" + address().substring(7)).orElse(address());
    }
}

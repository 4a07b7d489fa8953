package dev.jumpgate.transport.pipe;

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

    /** Parses {@code http://user:pass@host:port} (port default 3128, percent-escapes allowed in user and pass). */
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
        Optional<String> user = Optional.empty();
        Optional<String> pass = Optional.empty();
        String info = uri.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            user = Optional.of(decode(colon < 0 ? info : info.substring(0, colon)));
            pass = colon < 0 ? Optional.of("") : Optional.of(decode(info.substring(colon + 1)));
        }
        return new HttpProxy(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 3128, user, pass);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** {@code text} with the password of every URL in it replaced: for messages that echo what was typed. */
    public static String mask(String url) {
        return url.replaceAll("(://[^:/@]*:)[^@/]*@", "$1****@");
    }

    public boolean hasCredentials() {
        return user.isPresent();
    }

    /** The {@code Proxy-Authorization} value for Basic authentication, when there are credentials. */
    public Optional<String> basicAuthorization() {
        return user.map(u -> "Basic " + Base64.getEncoder().encodeToString(
                (u + ":" + password.orElse("")).getBytes(StandardCharsets.UTF_8)));
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

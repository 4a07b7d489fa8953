package dev.jumpgate.transport.proxy;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The proxy the usual environment variables ask for: {@code https_proxy} / {@code HTTPS_PROXY} for TLS
 * destinations, {@code http_proxy} / {@code HTTP_PROXY} (then the HTTPS ones) for plain-HTTP destinations, and
 * {@code no_proxy} / {@code NO_PROXY} for hosts reached directly (comma-separated names, {@code .suffix} or
 * {@code suffix} for a domain and its subdomains, {@code *} for everything), as curl reads them.
 */
public final class ProxyEnvironment {

    private final Map<String, String> env;

    public ProxyEnvironment(Map<String, String> env) {
        this.env = env;
    }

    public static ProxyEnvironment system() {
        return new ProxyEnvironment(System.getenv());
    }

    /** The proxy for a connection to {@code host}; {@code plainHttp} for a http:// destination. */
    public Optional<HttpProxy> proxyFor(String host, boolean plainHttp) {
        if (bypassed(host)) {
            return Optional.empty();
        }
        Optional<String> url = plainHttp
                ? first("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY")
                : first("https_proxy", "HTTPS_PROXY");
        return url.map(u -> {
            try {
                return HttpProxy.parse(u);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("proxy environment variable: " + e.getMessage(), e);
            }
        });
    }

    boolean bypassed(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return first("no_proxy", "NO_PROXY")
                .map(list -> Arrays.stream(list.split(","))
                        .map(s -> s.strip().toLowerCase(Locale.ROOT))
                        .filter(s -> !s.isEmpty())
                        .anyMatch(p -> p.equals("*")
                                || h.equals(p.startsWith(".") ? p.substring(1) : p)
                                || h.endsWith(p.startsWith(".") ? p : "." + p)))
                .orElse(false);
    }

    private Optional<String> first(String... names) {
        return Arrays.stream(names)
                .map(env::get)
                .filter(v -> v != null && !v.isBlank())
                .findFirst();
    }
}

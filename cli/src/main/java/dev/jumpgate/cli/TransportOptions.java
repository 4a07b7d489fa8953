package dev.jumpgate.cli;

import dev.jumpgate.transport.RoutePlan;
import dev.jumpgate.transport.Transport;
import dev.jumpgate.transport.proxy.HttpProxy;
import dev.jumpgate.transport.proxy.ProxyEnvironment;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How the agent reaches its relay: which transport, through which proxy, and the relay's plain-HTTP port. */
final class TransportOptions {

    @Option(
            names = "--transport",
            defaultValue = "auto",
            paramLabel = "auto|tls|websocket|http-poll",
            description =
                    "How to reach the relay (default: ${DEFAULT-VALUE}: TLS, then WebSocket, then HTTP long-poll).")
    String transport;

    static final SecretInput PROXY_PASSWORD =
            new SecretInput("proxy password", "--proxy-password-file", "JUMPGATE_PROXY_PASSWORD");

    @Option(
            names = "--proxy",
            paramLabel = "http://[USER@]HOST:PORT",
            description =
                    "HTTP proxy to go through (default: HTTPS_PROXY / https_proxy, unless NO_PROXY names the relay).")
    String proxy;

    @Option(
            names = "--proxy-password-file",
            paramLabel = "FILE",
            description =
                    "The --proxy user's password, from FILE (- for standard input); or set JUMPGATE_PROXY_PASSWORD.")
    Path proxyPasswordFile;

    @Option(
            names = "--relay-http",
            paramLabel = "http://HOST:PORT",
            description =
                    "The relay's plain-HTTP long-poll port (relay --poll-listen), for proxies that refuse CONNECT.")
    URI relayHttp;

    RoutePlan plan() {
        return plan(SecretInput.Sources.system());
    }

    RoutePlan plan(SecretInput.Sources in) {
        try {
            Optional<Transport> forced =
                    transport.equalsIgnoreCase("auto") ? Optional.empty() : Optional.of(Transport.parse(transport));
            return new RoutePlan(
                    forced,
                    Optional.ofNullable(proxy).map(HttpProxy::parse).map(p -> withPassword(p, in)),
                    Optional.ofNullable(relayHttp),
                    ProxyEnvironment.system());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
    }

    /**
     * The proxy with its password from a file or the environment; a password typed into the URL still works but
     * is warned about, as every local user can read it in the process list.
     */
    private HttpProxy withPassword(HttpProxy parsed, SecretInput.Sources in) {
        boolean inUrl = parsed.password().filter(pw -> !pw.isEmpty()).isPresent();
        Optional<String> elsewhere = PROXY_PASSWORD.read(null, proxyPasswordFile, false, in);
        if (inUrl && elsewhere.isPresent()) {
            throw new IllegalArgumentException("give the proxy password one way: --proxy " + parsed + " holds one,"
                    + " and so does "
                    + (proxyPasswordFile != null ? "--proxy-password-file" : "JUMPGATE_PROXY_PASSWORD"));
        }
        if (inUrl) {
            in.stderr()
                    .println("jumpgate: warning: the proxy password in --proxy can be read by every user of this"
                            + " machine while the agent runs; pass --proxy "
                            + parsed.toString().replace(":****@", "@")
                            + " with --proxy-password-file FILE or JUMPGATE_PROXY_PASSWORD instead");
        }
        return elsewhere.map(parsed::withPassword).orElse(parsed);
    }
}

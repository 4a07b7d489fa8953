package dev.jumpgate.agent.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the agent's embedded SSH server is set up.
 *
 * @param stateDir       the agent's state directory: the host key is kept here
 * @param authorizedKeys authorized_keys files whose keys may log in besides the user's own
 *                       {@code ~/.ssh/authorized_keys} ({@code --authorized-keys})
 * @param forwarding     what {@code ssh -L} and {@code ssh -R} may reach
 * @param env            which variables clients may set
 * @param keepalive      how often to ask a client for a sign of life; zero: never
 */
public record EmbeddedSettings(
        Path stateDir, List<Path> authorizedKeys, ForwardingPolicy forwarding, EnvAllowList env, Duration keepalive) {

    public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(15);

    public EmbeddedSettings {
        authorizedKeys = List.copyOf(authorizedKeys);
        if (keepalive.isNegative()) {
            throw new IllegalArgumentException("keepalive interval must not be negative: " + keepalive);
        }
    }
}

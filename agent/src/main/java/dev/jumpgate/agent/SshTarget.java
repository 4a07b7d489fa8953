package dev.jumpgate.agent;

import dev.jumpgate.agent.embedded.EmbeddedServer;
import dev.jumpgate.agent.embedded.EmbeddedSettings;
import dev.jumpgate.protocol.HostPort;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where this agent's SSH streams go: the device's sshd at the configured target, or the agent's embedded SSH
 * server, chosen once at start. {@link Mode#AUTO} serves SSH itself when nothing accepts a connection on the
 * target, so a device with no sshd works with nothing else installed.
 */
public final class SshTarget implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SshTarget.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    public enum Mode {
        /** the embedded server when nothing answers on the target ({@code agent run} without a flag) */
        AUTO,
        /** always the embedded server ({@code --embedded}) */
        EMBEDDED,
        /** always the target, even while nothing answers there ({@code --no-embedded}) */
        TARGET
    }

    private final HostPort address;
    private final EmbeddedServer embedded;

    private SshTarget(HostPort address, EmbeddedServer embedded) {
        this.address = address;
        this.embedded = embedded;
    }

    /** The device's sshd at {@code address}, whether or not it answers yet. */
    public static SshTarget of(HostPort address) {
        return new SshTarget(address, null);
    }

    public static SshTarget choose(HostPort configured, Mode mode, EmbeddedSettings settings) throws IOException {
        if (mode == Mode.TARGET || mode == Mode.AUTO && answers(configured)) {
            return of(configured);
        }
        EmbeddedServer server = EmbeddedServer.start(settings);
        if (mode == Mode.AUTO) {
            log.info(
                    "nothing listens on {}; serving SSH from the agent's embedded server on {}",
                    configured,
                    server.address());
        } else {
            log.info("serving SSH from the agent's embedded server on {} (--embedded)", server.address());
        }
        return new SshTarget(server.address(), server);
    }

    static boolean answers(HostPort target) {
        return PortCheck.accepts(target, PROBE_TIMEOUT);
    }

    public HostPort address() {
        return address;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}

package dev.jumpgate.relay.store;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.Fingerprint;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An enrolled device. {@code agentKey} pins the agent's key: only an agent presenting it may serve this
 * name. {@code lastSeen} is null until the agent first connects. {@code hostKeys} are the device's SSH host
 * keys as "type base64" lines, reported by the agent so that clients can verify the device end to end.
 */
public record Device(
        DeviceName name, Fingerprint agentKey, Instant enrolledAt, Instant lastSeen, List<String> hostKeys) {

    public Device {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(agentKey, "agentKey");
        Objects.requireNonNull(enrolledAt, "enrolledAt");
        hostKeys = List.copyOf(hostKeys);
    }
}

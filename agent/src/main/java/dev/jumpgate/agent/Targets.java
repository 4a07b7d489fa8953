package dev.jumpgate.agent;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.protocol.StreamRequest;
import java.util.List;
import java.util.Optional;

/**
 * Which local endpoints this agent will connect a stream to: its SSH target, and whatever else its own
 * configuration allows ({@code --allow HOST:PORT}). The relay's grants decide who may ask; this decides what the
 * device is willing to expose, so a compromised relay still cannot reach anything else on the device's network.
 *
 * <p>A request names {@code DEVICE:PORT} (the device itself) or {@code HOST:PORT} (a host as the device sees
 * it). {@code DEVICE:22} always means the SSH target, wherever that is.
 */
public record Targets(DeviceName device, HostPort ssh, List<HostPort> allowed) {

    public Targets {
        allowed = List.copyOf(allowed);
    }

    public Optional<HostPort> resolve(HostPort requested) {
        boolean self = requested.host().equalsIgnoreCase(device.value());
        if (self && requested.port() == StreamRequest.SSH_PORT) {
            return Optional.of(ssh);
        }
        HostPort wanted = self ? new HostPort("127.0.0.1", requested.port()) : requested;
        if (wanted.equals(ssh)) {
            return Optional.of(ssh);
        }
        return allowed.stream()
                .filter(a -> a.equals(wanted) || (self && isLoopback(a.host()) && a.port() == requested.port()))
                .findFirst();
    }

    private static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
    }

    public String describeAllowed() {
        StringBuilder s = new StringBuilder(device + ":22 (ssh)");
        allowed.forEach(a -> s.append(", ").append(a));
        return s.toString();
    }
}

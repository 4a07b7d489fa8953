package dev.jumpgate.relay;

import dev.jumpgate.protocol.Ago;
import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.relay.link.Links;
import dev.jumpgate.relay.store.Grant;
import dev.jumpgate.relay.store.Grants;
import dev.jumpgate.relay.store.Role;
import dev.jumpgate.relay.store.Store;
import dev.jumpgate.transport.link.RelayLink;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Who may reach what. The relay forwards only to enrolled devices, only for users who hold a grant for that
 * device and port (admins hold every grant); every other target is refused, so the relay is never an open
 * proxy. Each refusal says why, in words the user sees in {@code ssh -v}.
 */
public final class Access {

    /** The outcome for one {@code direct-tcpip} request. */
    public sealed interface Decision {
        record Allowed(DeviceName device, RelayLink link, String authority) implements Decision {
        }

        /** {@code offline} refusals may pass by themselves; the others need an admin. */
        record Refused(boolean offline, String reason) implements Decision {
        }
    }

    private final Store store;
    private final Links links;

    public Access(Store store, Links links) {
        this.store = store;
        this.links = links;
    }

    public Decision decide(String user, String host, int port) {
        if (!DeviceName.isValid(host)) {
            return new Decision.Refused(false, "jumpgate forwards only to enrolled devices, and '" + printable(host)
                    + "' is not a device name; this relay is not an open proxy");
        }
        DeviceName name = DeviceName.parse(host);
        var device = store.device(name);
        if (device.isEmpty()) {
            return new Decision.Refused(false, "no device named '" + name + "' is enrolled on this relay"
                    + "; `ssh` to the relay lists the devices you may reach");
        }
        if (!mayReach(user, name, port)) {
            return new Decision.Refused(false, "no grant for device '" + name + "' port " + port
                    + " to user '" + user + "': ask an admin to run `grant " + user + " " + name + "`");
        }
        Optional<RelayLink> link = links.get(name);
        if (link.isEmpty()) {
            return new Decision.Refused(true, "device " + name + " is offline, last seen "
                    + Ago.since(device.get().lastSeen(), Instant.now()));
        }
        return new Decision.Allowed(name, link.get(), name + ":" + port);
    }

    public boolean isAdmin(String user) {
        return store.user(user).map(u -> u.role() == Role.ADMIN).orElse(false);
    }

    /** Whether {@code user} may reach {@code device} on {@code port}. */
    public boolean mayReach(String user, DeviceName device, int port) {
        if (isAdmin(user)) {
            return true;
        }
        List<Grant> grants = store.grants(user);
        return grants.stream().anyMatch(g -> Grants.matches(g.devicePattern(), device.value())
                && Grants.portAllowed(g.ports(), port));
    }

    /** Whether {@code user} may reach {@code device} at all, on any port: what the device list shows. */
    public boolean maySee(String user, DeviceName device) {
        return isAdmin(user)
                || store.grants(user).stream().anyMatch(g -> Grants.matches(g.devicePattern(), device.value()));
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}

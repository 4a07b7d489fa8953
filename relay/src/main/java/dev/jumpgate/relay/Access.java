package dev.jumpgate.relay;

import dev.jumpgate.protocol.Ago;
import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.relay.link.Links;
import dev.jumpgate.relay.store.AccessFacts;
import dev.jumpgate.relay.store.Device;
import dev.jumpgate.relay.store.Grant;
import dev.jumpgate.relay.store.Grants;
import dev.jumpgate.relay.store.Role;
import dev.jumpgate.relay.store.Store;
import dev.jumpgate.relay.store.UserKey;
import dev.jumpgate.transport.link.RelayLink;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Who may reach what. The relay forwards only to enrolled devices, only for users who hold a grant for that
 * device and port (admins hold every grant), and only while the key they logged in with is still theirs; every
 * other target is refused, so the relay is never an open proxy. Each refusal says why, in words the user sees in
 * {@code ssh -v}, but never whether a device the user may not reach exists: that one and a name nobody enrolled
 * get the same answer, after the same store reads.
 */
public final class Access {

    /** The outcome for one {@code direct-tcpip} request. */
    public sealed interface Decision {
        record Allowed(DeviceName device, RelayLink link, String authority) implements Decision {}

        /** {@code offline} refusals may pass by themselves; the others need an admin. */
        record Refused(boolean offline, String reason) implements Decision {}
    }

    private final Store store;
    private final Links links;
    private final Logins logins = new Logins(this);

    public Access(Store store, Links links) {
        this.store = store;
        this.links = links;
    }

    /** The open logins, which {@link Logins#enforce} holds to what this class allows. */
    public Logins logins() {
        return logins;
    }

    public Decision decide(Login login, String host, int port) {
        if (!DeviceName.isValid(host)) {
            return new Decision.Refused(
                    false,
                    "jumpgate forwards only to enrolled devices, and '" + printable(host)
                            + "' is not a device name; this relay is not an open proxy");
        }
        DeviceName name = DeviceName.parse(host);
        // One read, the same whatever the answer, so that the time taken tells no more than the words.
        AccessFacts facts = store.accessFacts(login.key(), name);
        boolean keyHeld = facts.keyOwner().map(login.user()::equals).orElse(false) && !login.isClosed();
        Optional<Device> device = facts.device();
        boolean admin = facts.user().map(u -> u.role() == Role.ADMIN).orElse(false);
        List<Grant> grants = facts.grants();
        if (!keyHeld) {
            return new Decision.Refused(
                    false,
                    "key " + login.key().fingerprint() + " is no longer a key of user '" + login.user()
                            + "' on this relay; log in again with a key an admin has added");
        }
        List<Grant> forDevice = admin
                ? List.of()
                : grants.stream()
                        .filter(g -> Grants.matches(g.devicePattern(), name.value()))
                        .toList();
        if (device.isEmpty() || (!admin && forDevice.isEmpty())) {
            return new Decision.Refused(false, "no device '" + name + "' that you may reach; ssh relay lists yours");
        }
        if (!admin && forDevice.stream().noneMatch(g -> Grants.portAllowed(g.ports(), port))) {
            return new Decision.Refused(
                    false,
                    "device '" + name + "' port " + port + " is not granted to user '"
                            + login.user() + "'; you may reach it on ports "
                            + forDevice.stream().map(Grant::ports).collect(Collectors.joining(","))
                            + " (an admin runs `grant " + login.user() + " " + name
                            + " --ports ...` for more)");
        }
        Optional<RelayLink> link = links.get(name);
        if (link.isEmpty()) {
            return new Decision.Refused(
                    true,
                    "device " + name + " is offline, last seen "
                            + Ago.since(device.get().lastSeen(), Instant.now()));
        }
        return new Decision.Allowed(name, link.get(), name + ":" + port);
    }

    /** Whether {@code key} still belongs to the user it logged in as. */
    public boolean holds(UserKey key) {
        return store.userForKey(key.keyType(), key.keyBase64())
                .map(key.user()::equals)
                .orElse(false);
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
        return grants.stream()
                .anyMatch(
                        g -> Grants.matches(g.devicePattern(), device.value()) && Grants.portAllowed(g.ports(), port));
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

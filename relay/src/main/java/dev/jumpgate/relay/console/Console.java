package dev.jumpgate.relay.console;

import dev.jumpgate.protocol.Ago;
import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.EnrollmentToken;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.relay.Access;
import dev.jumpgate.relay.DeviceList;
import dev.jumpgate.relay.DeviceStatus;
import dev.jumpgate.relay.link.Links;
import dev.jumpgate.relay.store.Grant;
import dev.jumpgate.relay.store.IssuedToken;
import dev.jumpgate.relay.store.Role;
import dev.jumpgate.relay.store.Store;
import dev.jumpgate.relay.store.StoreException;
import dev.jumpgate.relay.store.User;
import dev.jumpgate.relay.store.UserKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commands a user runs with {@code ssh relay COMMAND}: the management surface that needs no client
 * install. Everyone may list their devices and fetch host keys; only admins manage users, grants and tokens.
 */
public final class Console {

    private static final Logger log = LoggerFactory.getLogger(Console.class);
    private static final Duration DEFAULT_TTL = Duration.ofHours(1);
    /** Tokens one {@code token create} makes at most: a fleet is enrolled in batches this size. */
    static final int MAX_TOKENS = 1000;

    private static final String TOKEN_USAGE =
            "usage: token create DEVICE [DEVICE...] [--ttl 1h] | token ls" + " | token revoke ID";

    private static final String USER_HELP = """
            commands:
              devices                      the devices you may reach: name, online/offline, last seen
              known-hosts                  known_hosts lines for those devices' SSH host keys
              whoami                       your user name and role
              client-info                  what `jumpgate login` stores: your name, the TLS endpoint, its pin
              help                         this text
            """;
    private static final String ADMIN_HELP = """
            admin commands:
              token create DEVICE [--ttl 1h]   one-time enrollment token for DEVICE (printed alone on stdout)
              token create DEV1 DEV2 ...       one token each (up to 1000), a line each: DEVICE TOKEN
              token ls                         tokens not yet expired: ID, device, created, expires, used
              token revoke ID                  delete a token (an ID prefix will do); it can no longer enroll
              user add NAME 'PUBLIC KEY'       add a user with an SSH public key
              user key NAME 'PUBLIC KEY'       add another key to a user
              user key rm NAME FINGERPRINT     take one key (SHA256:...) away from a user
              user rm NAME                     remove a user, their keys and grants
              users                            list users and their keys' fingerprints
              grant NAME PATTERN [--ports 22]  let NAME reach devices matching PATTERN (* and ?), on these ports
              revoke NAME PATTERN              take that grant away (open sessions it allowed end at once)
              grants [NAME]                    list grants
              device rm DEVICE                 forget a device and its tokens, so it can be enrolled again
            """;

    private final Store store;
    private final Links links;
    private final Access access;
    private final DeviceList deviceList;
    private final HostPort linkAddress;
    private final Fingerprint relayPin;

    public Console(Store store, Links links, Access access, HostPort linkAddress, Fingerprint relayPin) {
        this.store = store;
        this.links = links;
        this.access = access;
        this.deviceList = new DeviceList(store, links, access);
        this.linkAddress = linkAddress;
        this.relayPin = relayPin;
    }

    public Result run(String user, String commandLine) {
        List<String> w;
        try {
            w = Words.split(commandLine.strip());
        } catch (IllegalArgumentException e) {
            return Result.usage(e.getMessage());
        }
        if (w.isEmpty()) {
            return devices(user);
        }
        boolean admin = access.isAdmin(user);
        try {
            return switch (w.get(0)) {
                case "help", "--help", "-h" -> Result.ok(USER_HELP + (admin ? ADMIN_HELP : ""));
                case "devices", "ls" -> devices(user);
                case "known-hosts" -> Result.ok(deviceList.knownHosts(user));
                case "client-info" -> clientInfo(user);
                case "whoami" -> Result.ok(user + " (" + (admin ? "admin" : "user") + ")\n");
                case "token", "user", "users", "grant", "revoke", "grants", "device" ->
                    admin
                            ? adminCommand(user, w)
                            : Result.error("'" + w.get(0) + "' is an admin command; ask an admin of this relay");
                default -> Result.usage("unknown command '" + w.get(0) + "'; try `help`");
            };
        } catch (StoreException | IllegalArgumentException e) {
            return Result.error(e.getMessage());
        }
    }

    private Result adminCommand(String admin, List<String> w) {
        String sub = w.size() > 1 ? w.get(1) : "";
        Result r = switch (w.get(0)) {
            case "token" ->
                switch (sub) {
                    case "create" -> tokenCreate(w);
                    case "ls" -> w.size() == 2 ? tokenLs() : Result.usage(TOKEN_USAGE);
                    case "revoke" -> w.size() == 3 ? tokenRevoke(w.get(2)) : Result.usage(TOKEN_USAGE);
                    default -> Result.usage(TOKEN_USAGE);
                };
            case "user" ->
                switch (sub) {
                    case "add" ->
                        w.size() >= 4
                                ? userAdd(w.get(2), String.join(" ", w.subList(3, w.size())))
                                : Result.usage("usage: user add NAME 'PUBLIC KEY LINE'");
                    case "key" ->
                        w.size() == 5 && w.get(2).equals("rm")
                                ? userKeyRm(w.get(3), w.get(4))
                                : w.size() >= 4 && !w.get(2).equals("rm")
                                        ? userKey(w.get(2), String.join(" ", w.subList(3, w.size())))
                                        : Result.usage("usage: user key NAME 'PUBLIC KEY LINE'"
                                                + " | user key rm NAME FINGERPRINT");
                    case "rm" -> w.size() == 3 ? userRm(w.get(2)) : Result.usage("usage: user rm NAME");
                    default -> Result.usage("usage: user add|key|rm ...");
                };
            case "users" -> users();
            case "grant" -> grant(w);
            case "revoke" -> w.size() == 3 ? revoke(w.get(1), w.get(2)) : Result.usage("usage: revoke NAME PATTERN");
            case "grants" -> grants(w.size() > 1 ? w.get(1) : null);
            case "device" ->
                sub.equals("rm") && w.size() == 3 ? deviceRm(w.get(2)) : Result.usage("usage: device rm DEVICE");
            default -> Result.usage("unknown command");
        };
        if (r.exit() == 0 && !w.get(0).equals("users") && !w.get(0).equals("grants") && !sub.equals("ls")) {
            // The audit line names the command, never its secrets: tokens are outputs, keys are public.
            log.info("admin {} ran: {} {}", admin, w.get(0), sub);
        }
        return r;
    }

    private Result devices(String user) {
        Instant now = Instant.now();
        List<DeviceStatus> mine = deviceList.of(user);
        if (mine.isEmpty()) {
            return Result.ok("no devices for " + user
                    + (access.isAdmin(user)
                            ? "; enroll one with `token create DEVICE`, then on the device"
                                    + " `jumpgate agent enroll < TOKEN_FILE`\n"
                            : "; ask an admin for a grant\n"));
        }
        int width = Math.max(
                6, mine.stream().mapToInt(d -> d.name().value().length()).max().orElse(6));
        StringBuilder s = new StringBuilder(
                String.format(Locale.ROOT, "%-" + width + "s  %-7s  %s%n", "DEVICE", "STATUS", "LAST SEEN"));
        for (DeviceStatus d : mine) {
            s.append(String.format(
                    Locale.ROOT,
                    "%-" + width + "s  %-7s  %s%n",
                    d.name(),
                    d.online() ? "online" : "offline",
                    d.online() ? "now" : Ago.since(d.lastSeen(), now)));
        }
        return Result.ok(s.toString());
    }

    /** What `jumpgate login` needs to dial this relay's TLS endpoint as {@code user}. */
    private Result clientInfo(String user) {
        return Result.ok("user " + user + "\nlink " + linkAddress + "\ntls " + relayPin + "\n");
    }

    /**
     * One token per device named; a single one prints alone (for {@code $(ssh relay token create pi)}), several
     * print {@code DEVICE TOKEN} a line. Either every token is created or none: a name that is already enrolled,
     * repeated or not a device name refuses the whole command.
     */
    private Result tokenCreate(List<String> w) {
        Set<DeviceName> devices = new LinkedHashSet<>();
        Duration ttl = DEFAULT_TTL;
        for (int i = 2; i < w.size(); i++) {
            if (w.get(i).equals("--ttl") && i + 1 < w.size()) {
                ttl = Ttl.parse(w.get(++i));
            } else if (w.get(i).startsWith("-")) {
                return Result.usage(TOKEN_USAGE);
            } else if (!devices.add(DeviceName.parse(w.get(i)))) {
                return Result.error("device " + w.get(i) + " is named twice; one token per device");
            }
        }
        if (devices.isEmpty()) {
            return Result.usage(TOKEN_USAGE);
        }
        if (devices.size() > MAX_TOKENS) {
            return Result.error(
                    devices.size() + " devices in one command; at most " + MAX_TOKENS + ", run it again for the rest");
        }
        for (DeviceName device : devices) {
            if (store.device(device).isPresent()) {
                return Result.error("device " + device + " is already enrolled; run `device rm " + device
                        + "` first to enroll it again with a new key");
            }
        }
        Instant expires = Instant.now().plus(ttl);
        Map<String, DeviceName> hashes = new LinkedHashMap<>();
        StringBuilder out = new StringBuilder();
        for (DeviceName device : devices) {
            EnrollmentToken token = EnrollmentToken.issue(linkAddress, relayPin, device, expires);
            hashes.put(EnrollmentToken.secretHash(token.secret()), device);
            out.append(devices.size() > 1 ? device + " " : "")
                    .append(token.encode())
                    .append('\n');
        }
        store.addTokens(hashes, expires);
        return Result.ok(out.toString());
    }

    /** Never the secret: the relay does not have it. The ID is what {@code token revoke} takes. */
    private Result tokenLs() {
        Instant now = Instant.now();
        List<IssuedToken> tokens = store.tokens(now);
        if (tokens.isEmpty()) {
            return Result.ok("no enrollment tokens; `token create DEVICE` makes one\n");
        }
        int width = Math.max(
                6,
                tokens.stream().mapToInt(t -> t.device().value().length()).max().orElse(6));
        String row = "%-12s  %-" + width + "s  %-20s  %-20s  %s%n";
        StringBuilder s =
                new StringBuilder(String.format(Locale.ROOT, row, "ID", "DEVICE", "CREATED", "EXPIRES", "USED"));
        for (IssuedToken t : tokens) {
            s.append(String.format(
                    Locale.ROOT,
                    row,
                    t.id(),
                    t.device(),
                    stamp(t.created()),
                    stamp(t.expires()),
                    t.usedAt() == null ? "no" : stamp(t.usedAt())));
        }
        return Result.ok(s.toString());
    }

    private static String stamp(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private Result tokenRevoke(String id) {
        IssuedToken t = store.revokeToken(id);
        return Result.ok("revoked token " + t.id() + " for device " + t.device()
                + (t.usedAt() == null
                        ? ""
                        : " (already used; the device stays enrolled until `device rm " + t.device() + "`)")
                + "\n");
    }

    private Result userAdd(String name, String key) {
        store.addUser(name, Role.USER);
        store.addUserKey(name, key);
        return Result.ok("added user " + name + "\n");
    }

    private Result userKey(String name, String key) {
        store.addUserKey(name, key);
        return Result.ok("added a key to user " + name + "\n");
    }

    private Result userRm(String name) {
        if (store.user(name).isEmpty()) {
            return Result.error("no user named '" + name + "'");
        }
        store.removeUser(name);
        access.logins().enforce();
        return Result.ok("removed user " + name + "; their open sessions are closed\n");
    }

    private Result userKeyRm(String name, String fingerprint) {
        store.removeUserKey(name, Fingerprint.parse(fingerprint));
        access.logins().enforce();
        return Result.ok(
                "took key " + fingerprint + " away from user " + name + "; the sessions it opened are closed\n");
    }

    private Result users() {
        StringBuilder s = new StringBuilder();
        for (User u : store.users()) {
            List<UserKey> keys = store.keys(u.name());
            s.append(u.name())
                    .append(u.role() == Role.ADMIN ? " (admin)" : "")
                    .append(", ")
                    .append(keys.size())
                    .append(" key(s)\n");
            keys.forEach(k -> s.append("  ")
                    .append(k.fingerprint())
                    .append(' ')
                    .append(k.keyType())
                    .append(k.comment() == null || k.comment().isEmpty() ? "" : " " + k.comment())
                    .append('\n'));
        }
        return Result.ok(s.toString());
    }

    private Result grant(List<String> w) {
        if (w.size() != 3 && !(w.size() == 5 && w.get(3).equals("--ports"))) {
            return Result.usage("usage: grant NAME DEVICE_PATTERN [--ports 22,8080|*]");
        }
        String ports = w.size() == 5 ? w.get(4) : "22";
        store.grant(w.get(1), w.get(2), ports);
        access.logins().enforce(); // a grant again for a pattern replaces its ports, which may narrow them
        return Result.ok("granted " + w.get(1) + " devices '" + w.get(2) + "' on ports " + ports + "\n");
    }

    private Result revoke(String name, String pattern) {
        if (store.revoke(name, pattern)) {
            int ended = access.logins().enforce();
            return Result.ok("revoked " + name + " '" + pattern + "'"
                    + (ended > 0 ? "; " + ended + " open session(s) it allowed are closed" : "") + "\n");
        }
        return Result.error("user '" + name + "' holds no grant '" + pattern + "'; `grants " + name + "` lists them");
    }

    private Result grants(String name) {
        List<Grant> list = name == null ? store.allGrants() : store.grants(name);
        StringBuilder s = new StringBuilder();
        list.forEach(g -> s.append(g.user())
                .append(' ')
                .append(g.devicePattern())
                .append(" ports ")
                .append(g.ports())
                .append('\n'));
        return Result.ok(s.toString());
    }

    private Result deviceRm(String name) {
        DeviceName device = DeviceName.parse(name);
        if (store.device(device).isEmpty()) {
            return Result.error("no device named '" + device + "'");
        }
        store.removeDevice(device);
        links.get(device).ifPresent(l -> l.close());
        return Result.ok("removed device " + device + " and its enrollment tokens\n");
    }
}

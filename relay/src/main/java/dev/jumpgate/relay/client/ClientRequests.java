package dev.jumpgate.relay.client;

import dev.jumpgate.protocol.StreamRequest;
import dev.jumpgate.relay.DeviceList;
import dev.jumpgate.relay.DeviceStatus;

/** The relay's answers to a client's GET requests ({@link StreamRequest#DEVICES_PATH} and the like). */
final class ClientRequests {

    private ClientRequests() {}

    /** The body for {@code path}, or null if there is no such query. Touches the store: not on an event loop. */
    static String answer(String path, String user, DeviceList devices) {
        return switch (path) {
            case StreamRequest.DEVICES_PATH -> {
                StringBuilder s = new StringBuilder();
                for (DeviceStatus d : devices.of(user)) {
                    s.append(d.name())
                            .append('\t')
                            .append(d.online() ? "online" : "offline")
                            .append('\t')
                            .append(
                                    d.lastSeen() == null
                                            ? "-"
                                            : String.valueOf(d.lastSeen().toEpochMilli()))
                            .append('\n');
                }
                yield s.toString();
            }
            case StreamRequest.KNOWN_HOSTS_PATH -> devices.knownHosts(user);
            default -> null;
        };
    }
}

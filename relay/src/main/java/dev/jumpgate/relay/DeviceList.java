package dev.jumpgate.relay;

import dev.jumpgate.relay.link.Links;
import dev.jumpgate.relay.store.Device;
import dev.jumpgate.relay.store.Store;
import java.util.List;

/** The devices a user may see, as the console and the client link show them. Touches the store. */
public final class DeviceList {

    private final Store store;
    private final Links links;
    private final Access access;

    public DeviceList(Store store, Links links, Access access) {
        this.store = store;
        this.links = links;
        this.access = access;
    }

    public List<DeviceStatus> of(String user) {
        return store.devices().stream()
                .filter(d -> access.maySee(user, d.name()))
                .map(d -> new DeviceStatus(d.name(), links.isOnline(d.name()), d.lastSeen()))
                .toList();
    }

    /** known_hosts lines, under each device's name, for the devices {@code user} may reach. */
    public String knownHosts(String user) {
        StringBuilder s = new StringBuilder();
        for (Device d : store.devices()) {
            if (access.maySee(user, d.name())) {
                d.hostKeys()
                        .forEach(k -> s.append(d.name()).append(' ').append(k).append('\n'));
            }
        }
        return s.toString();
    }
}

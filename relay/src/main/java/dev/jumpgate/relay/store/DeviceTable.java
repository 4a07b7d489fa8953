package dev.jumpgate.relay.store;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.Fingerprint;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Enrolled devices and their host keys. Methods run on the caller's connection, inside its transaction. */
final class DeviceTable {

    private static final String COLUMNS = "SELECT name, agent_key, enrolled_at, last_seen FROM devices";

    private DeviceTable() {}

    static Optional<Device> find(Connection c, DeviceName name) throws SQLException {
        Optional<Device> bare = Sql.one(c, COLUMNS + " WHERE name = ?", DeviceTable::bare, name.value());
        return bare.isEmpty() ? bare : Optional.of(withHostKeys(c, bare.get()));
    }

    /** The device without its host keys. */
    static Optional<Device> findBare(Connection c, DeviceName name) throws SQLException {
        return Sql.one(c, COLUMNS + " WHERE name = ?", DeviceTable::bare, name.value());
    }

    static List<Device> all(Connection c) throws SQLException {
        List<Device> out = new ArrayList<>();
        for (Device d : Sql.list(c, COLUMNS + " ORDER BY name", DeviceTable::bare)) {
            out.add(withHostKeys(c, d));
        }
        return out;
    }

    static void enroll(Connection c, DeviceName name, Fingerprint agentKey, Instant at) throws SQLException {
        if (find(c, name).isPresent()) {
            throw new StoreException("device '" + name + "' is already enrolled; remove it first to enroll it again");
        }
        Sql.update(
                c,
                "INSERT INTO devices (name, agent_key, enrolled_at) VALUES (?, ?, ?)",
                name.value(),
                agentKey.toString(),
                Sql.millis(at));
    }

    /**
     * Host keys go with the device (ON DELETE CASCADE), and so do the tokens issued for its name: a token left
     * behind would enroll a new key under the name of a device its admin meant to be gone.
     */
    static void remove(Connection c, DeviceName name) throws SQLException {
        if (Sql.update(c, "DELETE FROM devices WHERE name = ?", name.value()) == 0) {
            throw unknown(name);
        }
        TokenTable.removeFor(c, name);
    }

    static void setHostKeys(Connection c, DeviceName name, List<String> hostKeyLines) throws SQLException {
        // Validate all before writing any, so a bad line leaves the previous set intact.
        List<String> lines = new ArrayList<>();
        for (String line : hostKeyLines) {
            lines.add(PublicKeyLine.parse(line).keyLine());
        }
        requireExists(c, name);
        Sql.update(c, "DELETE FROM device_host_keys WHERE device_name = ?", name.value());
        for (int i = 0; i < lines.size(); i++) {
            Sql.update(
                    c,
                    "INSERT INTO device_host_keys (device_name, position, key_line) VALUES (?, ?, ?)",
                    name.value(),
                    i,
                    lines.get(i));
        }
    }

    static void touch(Connection c, DeviceName name, Instant lastSeen) throws SQLException {
        Sql.update(c, "UPDATE devices SET last_seen = ? WHERE name = ?", Sql.millis(lastSeen), name.value());
    }

    private static void requireExists(Connection c, DeviceName name) throws SQLException {
        if (!Sql.exists(c, "SELECT 1 FROM devices WHERE name = ?", name.value())) {
            throw unknown(name);
        }
    }

    private static StoreException unknown(DeviceName name) {
        return new StoreException("no device '" + name + "' is enrolled");
    }

    private static Device bare(ResultSet rs) throws SQLException {
        return new Device(
                new DeviceName(rs.getString("name")),
                Fingerprint.parse(rs.getString("agent_key")),
                Sql.instant(rs, "enrolled_at"),
                Sql.instant(rs, "last_seen"),
                List.of());
    }

    private static Device withHostKeys(Connection c, Device d) throws SQLException {
        List<String> keys = Sql.list(
                c,
                "SELECT key_line FROM device_host_keys WHERE device_name = ? ORDER BY position",
                rs -> rs.getString("key_line"),
                d.name().value());
        return new Device(d.name(), d.agentKey(), d.enrolledAt(), d.lastSeen(), keys);
    }
}

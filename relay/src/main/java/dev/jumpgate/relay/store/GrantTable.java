package dev.jumpgate.relay.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Who may reach which devices. Every method runs on the caller's connection, inside the caller's transaction. */
final class GrantTable {

    private static final String COLUMNS = "SELECT user_name, device_pattern, ports FROM grants";

    private GrantTable() {}

    /** Adds the grant, or replaces the ports of an existing grant for the same user and pattern. */
    static void upsert(Connection c, String user, String pattern, String ports) throws SQLException {
        Grants.checkPattern(pattern);
        String canonical = Grants.normalizePorts(ports);
        if (UserTable.find(c, user).isEmpty()) {
            throw new StoreException("no user '" + Printable.of(user) + "'; add the user first");
        }
        Sql.update(
                c,
                "INSERT INTO grants (user_name, device_pattern, ports) VALUES (?, ?, ?)"
                        + " ON CONFLICT (user_name, device_pattern) DO UPDATE SET ports = excluded.ports",
                user,
                pattern,
                canonical);
    }

    static boolean revoke(Connection c, String user, String pattern) throws SQLException {
        return Sql.update(c, "DELETE FROM grants WHERE user_name = ? AND device_pattern = ?", user, pattern) > 0;
    }

    static List<Grant> of(Connection c, String user) throws SQLException {
        return Sql.list(c, COLUMNS + " WHERE user_name = ? ORDER BY device_pattern", GrantTable::grant, user);
    }

    static List<Grant> all(Connection c) throws SQLException {
        return Sql.list(c, COLUMNS + " ORDER BY user_name, device_pattern", GrantTable::grant);
    }

    private static Grant grant(ResultSet rs) throws SQLException {
        return new Grant(rs.getString("user_name"), rs.getString("device_pattern"), rs.getString("ports"));
    }
}

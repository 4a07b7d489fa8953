package dev.jumpgate.relay.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Creates the tables and records which layout the file has, so that a later release can migrate an existing
 * state.db step by step instead of guessing what it finds.
 */
final class Schema {

    static final int VERSION = 1;

    private static final List<String> V1 = List.of(
            """
            CREATE TABLE users (
                name TEXT PRIMARY KEY,
                role TEXT NOT NULL CHECK (role IN ('ADMIN', 'USER'))
            )""",
            // A key identifies one person: the primary key makes "this key belongs to two users" impossible.
            """
            CREATE TABLE user_keys (
                key_type   TEXT NOT NULL,
                key_base64 TEXT NOT NULL,
                user_name  TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                comment    TEXT,
                PRIMARY KEY (key_type, key_base64)
            )""",
            "CREATE INDEX user_keys_by_user ON user_keys(user_name)",
            """
            CREATE TABLE grants (
                user_name      TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                device_pattern TEXT NOT NULL,
                ports          TEXT NOT NULL,
                PRIMARY KEY (user_name, device_pattern)
            )""",
            """
            CREATE TABLE devices (
                name        TEXT PRIMARY KEY,
                agent_key   TEXT NOT NULL,
                enrolled_at INTEGER NOT NULL,
                last_seen   INTEGER
            )""",
            """
            CREATE TABLE device_host_keys (
                device_name TEXT NOT NULL REFERENCES devices(name) ON DELETE CASCADE,
                position    INTEGER NOT NULL,
                key_line    TEXT NOT NULL,
                PRIMARY KEY (device_name, position)
            )""",
            // No foreign key to devices: a token is issued for a name before any device has it.
            """
            CREATE TABLE enrollment_tokens (
                secret_hash TEXT PRIMARY KEY,
                device_name TEXT NOT NULL,
                created_at  INTEGER NOT NULL,
                expires_at  INTEGER NOT NULL,
                used_at     INTEGER
            )""");

    private Schema() {}

    /**
     * Brings the database to {@link #VERSION} inside the caller's transaction and returns the version it found
     * (0 for a new file). A file from a newer release is refused rather than misread.
     */
    static int migrate(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        }
        // max() of an empty table is NULL, which getInt reads as 0: a new file.
        int version = Sql.one(c, "SELECT max(version) AS v FROM schema_version", rs -> rs.getInt("v"))
                .orElse(0);
        if (version > VERSION) {
            throw new StoreException("the state database has schema version " + version
                    + ", newer than this relay understands (" + VERSION + "); upgrade jumpgate or restore a backup");
        }
        if (version < 1) {
            try (Statement st = c.createStatement()) {
                for (String ddl : V1) {
                    st.executeUpdate(ddl);
                }
            }
            Sql.update(c, "INSERT INTO schema_version (version) VALUES (?)", 1);
        }
        return version;
    }
}

package dev.jumpgate.relay.store;

import dev.jumpgate.protocol.Fingerprint;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Users and their SSH keys. Every method runs on the caller's connection, inside the caller's transaction. */
final class UserTable {

    // The portable Unix user name rule, so a relay user can always be mapped to a login name without quoting.
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");

    /** The login that claims a relay without an admin (see the console's FirstAdmin); never a user. */
    private static final String RESERVED = "first-admin";

    private UserTable() {}

    static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new StoreException(
                    "invalid user name '" + Printable.of(name) + "': use lowercase letters, digits, '_', '.', '-'");
        }
        if (name.equals(RESERVED)) {
            throw new StoreException("user name '" + RESERVED + "' is reserved for claiming a relay that has no admin;"
                    + " choose another");
        }
        return name;
    }

    static void add(Connection c, String name, Role role) throws SQLException {
        checkName(name);
        if (find(c, name).isPresent()) {
            throw new StoreException("user '" + name + "' already exists");
        }
        Sql.update(c, "INSERT INTO users (name, role) VALUES (?, ?)", name, role.name());
    }

    static Optional<User> find(Connection c, String name) throws SQLException {
        return Sql.one(c, "SELECT name, role FROM users WHERE name = ?", UserTable::user, name);
    }

    static List<User> all(Connection c) throws SQLException {
        return Sql.list(c, "SELECT name, role FROM users ORDER BY name", UserTable::user);
    }

    /** Keys and grants go with the user (ON DELETE CASCADE). */
    static void remove(Connection c, String name) throws SQLException {
        if (Sql.update(c, "DELETE FROM users WHERE name = ?", name) == 0) {
            throw new StoreException("no user '" + Printable.of(name) + "'");
        }
    }

    static void ensureAdmin(Connection c, String name, String publicKeyLine) throws SQLException {
        checkName(name);
        PublicKeyLine key = PublicKeyLine.parse(publicKeyLine);
        if (find(c, name).isEmpty()) {
            Sql.update(c, "INSERT INTO users (name, role) VALUES (?, ?)", name, Role.ADMIN.name());
        } else {
            Sql.update(c, "UPDATE users SET role = ? WHERE name = ?", Role.ADMIN.name(), name);
        }
        addKey(c, name, key);
    }

    static void addKey(Connection c, String user, String publicKeyLine) throws SQLException {
        PublicKeyLine key = PublicKeyLine.parse(publicKeyLine);
        if (find(c, user).isEmpty()) {
            throw new StoreException("no user '" + Printable.of(user) + "'; add the user first");
        }
        addKey(c, user, key);
    }

    private static void addKey(Connection c, String user, PublicKeyLine key) throws SQLException {
        Optional<String> owner = ownerOf(c, key.type(), key.base64());
        if (owner.isPresent()) {
            if (owner.get().equals(user)) {
                return;
            }
            // One key, one person: otherwise the relay could not tell who logged in.
            throw new StoreException("this key already belongs to user '" + owner.get() + "'");
        }
        Sql.update(
                c,
                "INSERT INTO user_keys (key_type, key_base64, user_name, comment) VALUES (?, ?, ?, ?)",
                key.type(),
                key.base64(),
                user,
                key.comment());
    }

    /** Removes the user's key with this fingerprint; the user stays, with their other keys and grants. */
    static void removeKey(Connection c, String user, Fingerprint fingerprint) throws SQLException {
        if (find(c, user).isEmpty()) {
            throw new StoreException("no user '" + Printable.of(user) + "'");
        }
        UserKey key = keys(c, user).stream()
                .filter(k -> k.fingerprint().equals(fingerprint))
                .findFirst()
                .orElseThrow(() -> new StoreException("user '" + user + "' has no key " + fingerprint
                        + "; `users` lists each user's key fingerprints"));
        Sql.update(c, "DELETE FROM user_keys WHERE key_type = ? AND key_base64 = ?", key.keyType(), key.keyBase64());
    }

    static Optional<String> ownerOf(Connection c, String keyType, String keyBase64) throws SQLException {
        return Sql.one(
                c,
                "SELECT user_name FROM user_keys WHERE key_type = ? AND key_base64 = ?",
                rs -> rs.getString("user_name"),
                keyType,
                keyBase64);
    }

    static List<UserKey> keys(Connection c, String user) throws SQLException {
        return Sql.list(
                c,
                "SELECT user_name, key_type, key_base64, comment FROM user_keys WHERE user_name = ?"
                        + " ORDER BY rowid",
                rs -> new UserKey(
                        rs.getString("user_name"),
                        rs.getString("key_type"),
                        rs.getString("key_base64"),
                        rs.getString("comment")),
                user);
    }

    private static User user(ResultSet rs) throws SQLException {
        return new User(rs.getString("name"), Role.valueOf(rs.getString("role")));
    }
}

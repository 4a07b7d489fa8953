package dev.jumpgate.relay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.EnrollmentToken;
import dev.jumpgate.protocol.Fingerprint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorePersistenceTest {

    static final DeviceName PI = new DeviceName("pi-kitchen");
    static final Fingerprint KEY = Fingerprint.of("agent".getBytes(StandardCharsets.UTF_8));
    static final Instant NOW = Instant.parse("2030-06-01T12:00:00.123Z");

    @TempDir
    Path dir;

    /** SQLite creates its database 0644 and its -wal and -shm with the database's mode. */
    @Test
    void theStateDatabaseAndItsDirectoryAreTheRelaysAlone() throws Exception {
        Path data = dir.resolve("data");
        try (Store store = Store.open(data)) {
            store.addUser("alice", Role.USER);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                    .isEqualTo("rwx------");
            for (String name : List.of("state.db", "state.db-wal", "state.db-shm")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(name))))
                        .as(name)
                        .isEqualTo("rw-------");
            }
        }
    }

    @Test
    void stateSurvivesReopen() {
        String used = EnrollmentToken.secretHash(new byte[] {1});
        String unused = EnrollmentToken.secretHash(new byte[] {2});
        List<String> hostKeys = List.of(TestKeys.line("ssh-ed25519", 7, null), TestKeys.line("ssh-rsa", 8, null));
        try (Store store = Store.open(dir)) {
            store.ensureAdmin("root", TestKeys.ed25519(1));
            store.addUser("alice", Role.USER);
            store.addUserKey("alice", TestKeys.ed25519(2));
            store.grant("alice", "pi-*", "22,8080");
            store.addToken(used, PI, NOW.plusSeconds(3600));
            store.addToken(unused, new DeviceName("cam"), NOW.plusSeconds(3600));
            assertThat(store.redeemToken(used, PI, KEY, NOW)).isEqualTo(TokenCheck.OK);
            store.setHostKeys(PI, hostKeys);
            store.touch(PI, NOW.plusSeconds(5));
        }

        try (Store store = Store.open(dir)) {
            assertThat(store.users()).containsExactly(new User("alice", Role.USER), new User("root", Role.ADMIN));
            assertThat(store.userForKey("ssh-ed25519", TestKeys.blob("ssh-ed25519", 1)))
                    .contains("root");
            assertThat(store.keys("alice"))
                    .containsExactly(
                            new UserKey("alice", "ssh-ed25519", TestKeys.blob("ssh-ed25519", 2), "user2@laptop"));
            assertThat(store.allGrants()).containsExactly(new Grant("alice", "pi-*", "22,8080"));
            assertThat(store.devices()).containsExactly(new Device(PI, KEY, NOW, NOW.plusSeconds(5), hostKeys));
            assertThat(store.redeemToken(used, PI, Fingerprint.of(new byte[] {9}), NOW))
                    .isEqualTo(TokenCheck.USED);
            assertThat(store.redeemToken(unused, new DeviceName("cam"), KEY, NOW))
                    .isEqualTo(TokenCheck.OK);
        }
    }

    @Test
    void connectionIsDurableAndEnforcesForeignKeys() {
        try (Store store = Store.open(dir)) {
            // journal_mode, synchronous (2 = FULL), foreign_keys, busy_timeout: as the store's own connection sees
            // them.
            List<String> pragmas = store.database()
                    .read(c -> List.of(
                            pragma(c, "journal_mode"),
                            pragma(c, "synchronous"),
                            pragma(c, "foreign_keys"),
                            pragma(c, "busy_timeout")));

            assertThat(pragmas).containsExactly("wal", "2", "1", "5000");
        }
    }

    @Test
    void schemaVersionIsRecorded() throws Exception {
        Store.open(dir).close();

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state.db"));
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version FROM schema_version")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.next()).isFalse();
        }
        // Reopening neither re-creates tables nor records the version again.
        Store.open(dir).close();
        assertThat(versions()).isEqualTo(1);
    }

    @Test
    void databaseFromANewerReleaseIsRefused() throws Exception {
        Store.open(dir).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state.db"));
                Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO schema_version (version) VALUES (2)");
        }

        assertThatThrownBy(() -> Store.open(dir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version 2, newer than this relay understands (1)");
    }

    @Test
    void damagedFileIsReportedWithItsPath() throws Exception {
        Files.writeString(dir.resolve("state.db"), "this is not a database, just some text that is long enough");

        assertThatThrownBy(() -> Store.open(dir))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("state database " + dir.resolve("state.db") + ": ");
    }

    @Test
    void closedStoreRefusesCalls() {
        Store store = Store.open(dir);
        store.close();
        store.close();

        assertThatThrownBy(store::users).isInstanceOf(StoreException.class).hasMessageEndingWith("is closed");
    }

    @Test
    void nativeLibraryGoesUnderTheDataDirUnlessConfigured() {
        String saved = System.getProperty("org.sqlite.tmpdir");
        try {
            System.clearProperty("org.sqlite.tmpdir");
            Store.open(dir.resolve("a")).close();
            assertThat(System.getProperty("org.sqlite.tmpdir"))
                    .isEqualTo(dir.resolve("a/.native").toString());
            assertThat(dir.resolve("a/.native")).isDirectory();

            Store.open(dir.resolve("b")).close();
            assertThat(System.getProperty("org.sqlite.tmpdir"))
                    .isEqualTo(dir.resolve("a/.native").toString());
            assertThat(dir.resolve("b/.native")).doesNotExist();
        } finally {
            if (saved == null) {
                System.clearProperty("org.sqlite.tmpdir");
            } else {
                System.setProperty("org.sqlite.tmpdir", saved);
            }
        }
    }

    private int versions() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state.db"));
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String pragma(Connection c, String name) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}

package dev.jumpgate.relay.store;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.transport.tls.PrivateDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's persistent state: users and their SSH keys, grants, enrolled devices and enrollment tokens, in
 * one SQLite file, {@code dataDir/state.db}.
 *
 * <p>Safe to call from several threads: each method is one transaction on a single connection, and calls do
 * not interleave (see {@link Database}). A second process on the same file waits for the write lock.
 */
public final class Store implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Store.class);
    private static final String FILE = "state.db";

    private final Database db;

    private Store(Database db) {
        this.db = db;
    }

    /** Opens {@code dataDir/state.db}, creating the directory, the file and the tables as needed. */
    public static Store open(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            PrivateDirectory.create(dataDir);
            // sqlite-jdbc unpacks its native library into java.io.tmpdir by default, which fails where /tmp is
            // mounted noexec. The data directory is ours and writable; an operator's explicit setting still wins.
            if (System.getProperty("org.sqlite.tmpdir") == null) {
                Path nativeDir = PrivateDirectory.create(dataDir.resolve(".native"));
                System.setProperty(
                        "org.sqlite.tmpdir", nativeDir.toAbsolutePath().toString());
            }
        } catch (IOException e) {
            throw new StoreException("state database " + file + ": cannot create its directory: " + e, e);
        }
        try {
            PrivateDirectory.createFile(file); // SQLite would create it 0644; its -wal and -shm copy its mode
        } catch (IOException e) {
            throw new StoreException("state database " + file + ": cannot create it: " + e, e);
        }
        Store store = new Store(Database.open(file));
        try {
            int found = store.db.write(Schema::migrate);
            int purged = store.purgeExpiredTokens(Instant.now());
            if (purged > 0) {
                log.info("purged {} expired enrollment token(s)", purged);
            }
            if (found < Schema.VERSION) {
                log.info("created state database {} (schema version {})", file, Schema.VERSION);
            } else {
                log.debug("opened state database {} (schema version {})", file, found);
            }
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    // ---- users ----

    public void addUser(String name, Role role) {
        Objects.requireNonNull(role, "role");
        db.update(c -> UserTable.add(c, name, role));
    }

    public Optional<User> user(String name) {
        return db.read(c -> UserTable.find(c, name));
    }

    /** All users, ordered by name. */
    public List<User> users() {
        return db.read(UserTable::all);
    }

    /** Removes the user with their keys and grants. */
    public void removeUser(String name) {
        db.update(c -> UserTable.remove(c, name));
    }

    /**
     * Makes sure {@code name} exists, is an admin and has this key; safe to call on every start, which is how
     * the relay bootstraps its first administrator.
     */
    public void ensureAdmin(String name, String publicKeyLine) {
        db.update(c -> UserTable.ensureAdmin(c, name, publicKeyLine));
    }

    // ---- user keys ----

    /** Adds a key from an OpenSSH public key line; its comment is kept as a label. Adding it again is a no-op. */
    public void addUserKey(String user, String publicKeyLine) {
        db.update(c -> UserTable.addKey(c, user, publicKeyLine));
    }

    /**
     * Takes one key away from the user, named by its fingerprint ({@link UserKey#fingerprint}); their other keys
     * and their grants stay.
     */
    public void removeUserKey(String user, Fingerprint fingerprint) {
        Objects.requireNonNull(fingerprint, "fingerprint");
        db.update(c -> UserTable.removeKey(c, user, fingerprint));
    }

    /** Who logs in with this key, if anyone. */
    public Optional<String> userForKey(String keyType, String keyBase64) {
        return db.read(c -> UserTable.ownerOf(c, keyType, keyBase64));
    }

    /** The user's keys in the order they were added; empty for an unknown user. */
    public List<UserKey> keys(String user) {
        return db.read(c -> UserTable.keys(c, user));
    }

    /**
     * What deciding {@code key}'s access to {@code device} needs, in one transaction and with the same queries
     * whether or not the device exists, so that neither the answer's words nor its time tell which it was.
     */
    public AccessFacts accessFacts(UserKey key, DeviceName device) {
        Objects.requireNonNull(device, "device");
        return db.read(c -> new AccessFacts(
                UserTable.ownerOf(c, key.keyType(), key.keyBase64()),
                DeviceTable.findBare(c, device),
                UserTable.find(c, key.user()),
                GrantTable.of(c, key.user())));
    }

    // ---- grants ----

    /** Grants or, for an existing user and pattern, replaces the ports; null or blank ports mean "22". */
    public void grant(String user, String pattern, String ports) {
        db.update(c -> GrantTable.upsert(c, user, pattern, ports));
    }

    /** Returns whether there was such a grant. */
    public boolean revoke(String user, String pattern) {
        return db.write(c -> GrantTable.revoke(c, user, pattern));
    }

    /** The user's grants, ordered by pattern. */
    public List<Grant> grants(String user) {
        return db.read(c -> GrantTable.of(c, user));
    }

    /** Every grant, ordered by user and pattern. */
    public List<Grant> allGrants() {
        return db.read(GrantTable::all);
    }

    // ---- devices ----

    public Optional<Device> device(DeviceName name) {
        Objects.requireNonNull(name, "name");
        return db.read(c -> DeviceTable.find(c, name));
    }

    /** All enrolled devices, ordered by name. */
    public List<Device> devices() {
        return db.read(DeviceTable::all);
    }

    public void enrollDevice(DeviceName name, Fingerprint agentKey) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(agentKey, "agentKey");
        db.update(c -> DeviceTable.enroll(c, name, agentKey, Instant.now()));
    }

    /** Removes the device, its host keys and the tokens issued for it; its name can then be enrolled again. */
    public void removeDevice(DeviceName name) {
        Objects.requireNonNull(name, "name");
        db.update(c -> DeviceTable.remove(c, name));
    }

    /** Replaces the device's host keys; each line is an OpenSSH public key line, stored without its comment. */
    public void setHostKeys(DeviceName name, List<String> hostKeyLines) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(hostKeyLines, "hostKeyLines");
        db.update(c -> DeviceTable.setHostKeys(c, name, hostKeyLines));
    }

    /**
     * Records when the device's agent was last connected. A device removed while its link was up is ignored:
     * the link's close races with the removal, and there is nothing left to record the time on.
     */
    public void touch(DeviceName name, Instant lastSeen) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(lastSeen, "lastSeen");
        db.update(c -> DeviceTable.touch(c, name, lastSeen));
    }

    // ---- enrollment tokens ----

    /** Records a token by its {@code EnrollmentToken.secretHash}; the secret itself is never stored. */
    public void addToken(String secretHash, DeviceName device, Instant expires) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(expires, "expires");
        db.update(c -> TokenTable.add(c, secretHash, device, Instant.now(), expires));
    }

    /**
     * Records several tokens, all expiring at {@code expires}, in one transaction: all of them or none (a
     * secret that already exists fails the whole batch).
     */
    public void addTokens(Map<String, DeviceName> deviceBySecretHash, Instant expires) {
        Objects.requireNonNull(expires, "expires");
        Instant now = Instant.now();
        db.update(c -> {
            TokenTable.purgeExpired(c, now);
            for (var e : deviceBySecretHash.entrySet()) {
                TokenTable.add(c, e.getKey(), Objects.requireNonNull(e.getValue(), "device"), now, expires);
            }
        });
    }

    /**
     * Checks the token and, if it is good, consumes it, enrolls the device with {@code agentKey} and stores its
     * host keys, all in one transaction. Any result other than {@link TokenCheck#OK}, or an exception (a bad host
     * key line), changes nothing: the token stays usable.
     */
    public TokenCheck redeemToken(
            String secretHash, DeviceName device, Fingerprint agentKey, List<String> hostKeyLines, Instant now) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(agentKey, "agentKey");
        Objects.requireNonNull(hostKeyLines, "hostKeyLines");
        Objects.requireNonNull(now, "now");
        return db.write(c -> TokenTable.redeem(c, secretHash, device, agentKey, hostKeyLines, now));
    }

    /** {@link #redeemToken(String, DeviceName, Fingerprint, List, Instant)} for an agent that reports no host keys. */
    public TokenCheck redeemToken(String secretHash, DeviceName device, Fingerprint agentKey, Instant now) {
        return redeemToken(secretHash, device, agentKey, List.of(), now);
    }

    /** Every enrollment token not yet purged, oldest first; expired ones are purged first. */
    public List<IssuedToken> tokens(Instant now) {
        Objects.requireNonNull(now, "now");
        return db.write(c -> {
            TokenTable.purgeExpired(c, now);
            return TokenTable.all(c);
        });
    }

    /** Deletes the token whose id (as {@link #tokens} shows it) starts with {@code idPrefix}; returns what it was. */
    public IssuedToken revokeToken(String idPrefix) {
        Objects.requireNonNull(idPrefix, "idPrefix");
        return db.write(c -> {
            TokenTable.purgeExpired(c, Instant.now());
            return TokenTable.revoke(c, idPrefix);
        });
    }

    /** Deletes tokens whose expiry is at or before {@code now}; returns how many. */
    public int purgeExpiredTokens(Instant now) {
        Objects.requireNonNull(now, "now");
        return db.write(c -> TokenTable.purgeExpired(c, now));
    }

    /** For tests that look at the connection's settings. */
    Database database() {
        return db;
    }

    @Override
    public void close() {
        db.close();
    }
}

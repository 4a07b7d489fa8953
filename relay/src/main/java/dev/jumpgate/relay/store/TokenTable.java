package dev.jumpgate.relay.store;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.Fingerprint;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Enrollment tokens, by the hash of their secret only: a copy of state.db must not be enough to enroll a
 * device. Methods run on the caller's connection, inside its transaction.
 */
final class TokenTable {

    private record Row(String device, Instant expires, Instant usedAt) {}

    /** Hex digits of a token's id: 48 bits, so that ids of the tokens a relay holds at once do not collide. */
    private static final int ID_BYTES = 6;

    private static final int MIN_ID_PREFIX = 4;

    private TokenTable() {}

    static void add(Connection c, String secretHash, DeviceName device, Instant created, Instant expires)
            throws SQLException {
        if (secretHash == null || secretHash.isBlank()) {
            throw new StoreException("an enrollment token needs its secret hash");
        }
        if (Sql.exists(c, "SELECT 1 FROM enrollment_tokens WHERE secret_hash = ?", secretHash)) {
            // Message deliberately without the hash: it identifies the token.
            throw new StoreException("an enrollment token with this secret already exists");
        }
        Sql.update(
                c,
                "INSERT INTO enrollment_tokens (secret_hash, device_name, created_at, expires_at)"
                        + " VALUES (?, ?, ?, ?)",
                secretHash,
                device.value(),
                Sql.millis(created),
                Sql.millis(expires));
    }

    /**
     * Checks a token and, if it is good, consumes it, enrolls the device with {@code agentKey} and stores its host
     * keys. The caller runs this in one write transaction: two agents racing with the same token cannot both see
     * it unused, and a refusal or a failure part-way (a bad host key line) writes nothing, so the token stays
     * usable. The agent that redeemed a token may present it again with the same key (its Welcome was lost).
     */
    static TokenCheck redeem(
            Connection c,
            String secretHash,
            DeviceName device,
            Fingerprint agentKey,
            List<String> hostKeyLines,
            Instant now)
            throws SQLException {
        Optional<Row> found = Sql.one(
                c,
                "SELECT device_name, expires_at, used_at FROM enrollment_tokens WHERE secret_hash = ?",
                rs -> new Row(rs.getString("device_name"), Sql.instant(rs, "expires_at"), Sql.instant(rs, "used_at")),
                secretHash);
        if (found.isEmpty()) {
            return TokenCheck.UNKNOWN;
        }
        Row token = found.get();
        Optional<Device> enrolled = DeviceTable.find(c, device);
        boolean sameAgent = enrolled.isPresent() && enrolled.get().agentKey().matches(agentKey);
        if (token.usedAt() != null) {
            if (!(sameAgent && token.device().equals(device.value()))) {
                return TokenCheck.USED;
            }
        } else {
            // Valid strictly before its expiry instant.
            if (!now.isBefore(token.expires())) {
                return TokenCheck.EXPIRED;
            }
            if (!token.device().equals(device.value())) {
                return TokenCheck.WRONG_DEVICE;
            }
            if (enrolled.isPresent() && !sameAgent) {
                return TokenCheck.DEVICE_TAKEN;
            }
            if (Sql.update(
                            c,
                            "UPDATE enrollment_tokens SET used_at = ? WHERE secret_hash = ? AND used_at IS NULL",
                            Sql.millis(now),
                            secretHash)
                    != 1) {
                return TokenCheck.USED;
            }
            // Already enrolled with this same key (by another token): keep the original record.
            if (enrolled.isEmpty()) {
                DeviceTable.enroll(c, device, agentKey, now);
            }
        }
        DeviceTable.setHostKeys(c, device, hostKeyLines);
        DeviceTable.touch(c, device, now);
        return TokenCheck.OK;
    }

    /** Every token, oldest first. */
    static List<IssuedToken> all(Connection c) throws SQLException {
        return Sql.list(
                c,
                "SELECT secret_hash, device_name, created_at, expires_at, used_at FROM enrollment_tokens"
                        + " ORDER BY created_at, device_name",
                rs -> new IssuedToken(
                        id(rs.getString("secret_hash")),
                        new DeviceName(rs.getString("device_name")),
                        Sql.instant(rs, "created_at"),
                        Sql.instant(rs, "expires_at"),
                        Sql.instant(rs, "used_at")));
    }

    /**
     * Deletes the one token whose id starts with {@code idPrefix} and returns it. A revoked token that was used
     * leaves its device enrolled: {@code device rm} is what takes a device away.
     */
    static IssuedToken revoke(Connection c, String idPrefix) throws SQLException {
        String prefix = idPrefix.toLowerCase(Locale.ROOT);
        if (prefix.length() < MIN_ID_PREFIX) {
            throw new StoreException("token id '" + idPrefix + "' is too short; give at least " + MIN_ID_PREFIX
                    + " characters of the ID that `token ls` shows");
        }
        List<String> hashes =
                Sql.list(c, "SELECT secret_hash FROM enrollment_tokens", rs -> rs.getString("secret_hash")).stream()
                        .filter(h -> id(h).startsWith(prefix))
                        .toList();
        if (hashes.isEmpty()) {
            throw new StoreException("no token with id '" + idPrefix + "'; `token ls` lists them");
        }
        if (hashes.size() > 1) {
            throw new StoreException("token id '" + idPrefix + "' matches " + hashes.size()
                    + " tokens; give more of the ID that `token ls` shows");
        }
        IssuedToken token = all(c).stream()
                .filter(t -> t.id().equals(id(hashes.get(0))))
                .findFirst()
                .orElseThrow();
        Sql.update(c, "DELETE FROM enrollment_tokens WHERE secret_hash = ?", hashes.get(0));
        return token;
    }

    /** Deletes every token issued for {@code device}, used or not: it goes with the device. */
    static int removeFor(Connection c, DeviceName device) throws SQLException {
        return Sql.update(c, "DELETE FROM enrollment_tokens WHERE device_name = ?", device.value());
    }

    // A hash of the stored hash: the id names a token without being any part of what redeems it.
    private static String id(String secretHash) {
        byte[] h = Fingerprint.of(secretHash.getBytes(StandardCharsets.UTF_8)).sha256();
        return HexFormat.of().formatHex(h, 0, ID_BYTES);
    }

    /** Deletes tokens past their expiry, used or not; a used token's job is recorded by the device it enrolled. */
    static int purgeExpired(Connection c, Instant now) throws SQLException {
        return Sql.update(c, "DELETE FROM enrollment_tokens WHERE expires_at <= ?", Sql.millis(now));
    }
}

package dev.jumpgate.relay.store;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.Fingerprint;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Enrollment tokens, by the hash of their secret only: a copy of state.db must not be enough to enroll a
 * device. Methods run on the caller's connection, inside its transaction.
 */
final class TokenTable {

    private record Row(String device, Instant expires, Instant usedAt) {
    }

    private TokenTable() {
    }

    static void add(Connection c, String secretHash, DeviceName device, Instant created, Instant expires)
            throws SQLException {
        if (secretHash == null || secretHash.isBlank()) {
            throw new StoreException("an enrollment token needs its secret hash");
        }
        if (Sql.exists(c, "SELECT 1 FROM enrollment_tokens WHERE secret_hash = ?", secretHash)) {
            // Message deliberately without the hash: it identifies the token.
            throw new StoreException("an enrollment token with this secret already exists");
        }
        Sql.update(c, "INSERT INTO enrollment_tokens (secret_hash, device_name, created_at, expires_at)"
                + " VALUES (?, ?, ?, ?)", secretHash, device.value(), Sql.millis(created), Sql.millis(expires));
    }

    /**
     * Checks a token and, if it is good, consumes it, enrolls the device with {@code agentKey} and stores its host
     * keys. The caller runs this in one write transaction: two agents racing with the same token cannot both see
     * it unused, and a refusal or a failure part-way (a bad host key line) writes nothing, so the token stays
     * usable. The agent that redeemed a token may present it again with the same key (its Welcome was lost).
     */
    static TokenCheck redeem(Connection c, String secretHash, DeviceName device, Fingerprint agentKey,
            List<String> hostKeyLines, Instant now) throws SQLException {
        Optional<Row> found = Sql.one(c,
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
            if (Sql.update(c, "UPDATE enrollment_tokens SET used_at = ? WHERE secret_hash = ? AND used_at IS NULL",
                    Sql.millis(now), secretHash) != 1) {
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

    /** Deletes tokens past their expiry, used or not; a used token's job is recorded by the device it enrolled. */
    static int purgeExpired(Connection c, Instant now) throws SQLException {
        return Sql.update(c, "DELETE FROM enrollment_tokens WHERE expires_at <= ?", Sql.millis(now));
    }
}

package dev.jumpgate.relay.store;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.Fingerprint;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
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
     * Checks and consumes a token. The caller runs this in one write transaction, so two agents racing with
     * the same token cannot both see it unused. A refusal writes nothing: an unused token stays usable.
     */
    static TokenCheck redeem(Connection c, String secretHash, DeviceName device, Fingerprint agentKey, Instant now)
            throws SQLException {
        Optional<Row> found = Sql.one(c,
                "SELECT device_name, expires_at, used_at FROM enrollment_tokens WHERE secret_hash = ?",
                rs -> new Row(rs.getString("device_name"), Sql.instant(rs, "expires_at"), Sql.instant(rs, "used_at")),
                secretHash);
        if (found.isEmpty()) {
            return TokenCheck.UNKNOWN;
        }
        Row token = found.get();
        if (token.usedAt() != null) {
            return TokenCheck.USED;
        }
        // Valid strictly before its expiry instant.
        if (!now.isBefore(token.expires())) {
            return TokenCheck.EXPIRED;
        }
        if (!token.device().equals(device.value())) {
            return TokenCheck.WRONG_DEVICE;
        }
        Optional<Device> enrolled = DeviceTable.find(c, device);
        if (enrolled.isPresent() && !enrolled.get().agentKey().matches(agentKey)) {
            return TokenCheck.DEVICE_TAKEN;
        }
        if (Sql.update(c, "UPDATE enrollment_tokens SET used_at = ? WHERE secret_hash = ? AND used_at IS NULL",
                Sql.millis(now), secretHash) != 1) {
            return TokenCheck.USED;
        }
        // Already enrolled with this same key: an agent retrying after a lost reply; keep the original record.
        if (enrolled.isEmpty()) {
            DeviceTable.enroll(c, device, agentKey, now);
        }
        return TokenCheck.OK;
    }

    /** Deletes tokens past their expiry, used or not; a used token's job is recorded by the device it enrolled. */
    static int purgeExpired(Connection c, Instant now) throws SQLException {
        return Sql.update(c, "DELETE FROM enrollment_tokens WHERE expires_at <= ?", Sql.millis(now));
    }
}

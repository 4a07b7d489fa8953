package dev.jumpgate.relay.store;

import dev.jumpgate.protocol.Fingerprint;
import java.util.Base64;
import java.util.Objects;

/**
 * One SSH public key of a user, kept as OpenSSH writes it: {@code keyType} ("ssh-ed25519") and the base64
 * key blob. The comment is only a label for people ("alice@laptop"); it plays no part in matching a key.
 */
public record UserKey(String user, String keyType, String keyBase64, String comment) {

    public UserKey {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(keyBase64, "keyBase64");
    }

    /** The key as an authorized_keys line without the comment: "ssh-ed25519 AAAA...". */
    public String keyLine() {
        return keyType + " " + keyBase64;
    }

    /** The key's fingerprint as {@code ssh-keygen -l} prints it: {@code SHA256:} and unpadded base64. */
    public Fingerprint fingerprint() {
        return Fingerprint.of(Base64.getDecoder().decode(keyBase64));
    }
}

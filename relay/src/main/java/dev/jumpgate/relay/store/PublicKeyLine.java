package dev.jumpgate.relay.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/** An OpenSSH public key line ("ssh-ed25519 AAAA... comment") split into the parts the store keeps. */
record PublicKeyLine(String type, String base64, String comment) {

    static final Set<String> TYPES = Set.of(
            "ssh-ed25519",
            "ssh-rsa",
            "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384",
            "ecdsa-sha2-nistp521",
            "sk-ssh-ed25519@openssh.com",
            "sk-ecdsa-sha2-nistp256@openssh.com");

    private static final String REFUSAL = "not an OpenSSH public key line: expected e.g. 'ssh-ed25519 AAAA... comment'";

    static PublicKeyLine parse(String line) {
        if (line == null) {
            throw new StoreException(REFUSAL);
        }
        String text = line.strip();
        // Several keys pasted at once, or a comment smuggling a line break into authorized_keys output.
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new StoreException(REFUSAL);
        }
        String[] fields = text.split("\\s+", 3);
        if (fields.length < 2 || !TYPES.contains(fields[0]) || !blobHasType(fields[1], fields[0])) {
            throw new StoreException(REFUSAL);
        }
        String comment = fields.length == 3 && !fields[2].isBlank() ? fields[2].strip() : null;
        return new PublicKeyLine(fields[0], fields[1], comment);
    }

    /**
     * The key blob starts with its own type name (SSH wire string). Checking it catches keys truncated or
     * mangled by copy and paste, and a type field that does not belong to the blob.
     */
    private static boolean blobHasType(String base64, String type) {
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] expected = type.getBytes(StandardCharsets.US_ASCII);
        if (blob.length < 4 + expected.length) {
            return false;
        }
        int length = ByteBuffer.wrap(blob, 0, 4).getInt();
        if (length != expected.length) {
            return false;
        }
        return ByteBuffer.wrap(blob, 4, length).equals(ByteBuffer.wrap(expected));
    }

    /** The line without its comment, as stored for host keys. */
    String keyLine() {
        return type + " " + base64;
    }
}

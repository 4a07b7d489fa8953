package dev.jumpgate.relay.console;

import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.relay.store.Role;
import dev.jumpgate.relay.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a relay started without {@code --admin-key} gets its first admin. While no admin exists, each start
 * writes a fresh one-time token to {@code DATA/first-admin}, readable by the relay's owner only; whoever can read
 * that file proves it by sending the token to {@code ssh first-admin@RELAY claim}, and the key they logged in
 * with becomes the user {@code admin}. Only the token's hash is kept, in memory: a later start makes a new one,
 * and once an admin exists, none.
 */
public final class FirstAdmin {

    private static final Logger log = LoggerFactory.getLogger(FirstAdmin.class);
    /** The login name that may claim, and may do nothing else. */
    public static final String USER = "first-admin";

    public static final String FILE = "first-admin";
    static final Duration TTL = Duration.ofHours(1);
    /** What the claim reads from stdin at most: the token is one short line. */
    public static final int MAX_INPUT = 1024;

    private static final int SECRET_BYTES = 32;

    private final Store store;
    private final Path file;
    private final byte[] hash;
    private final Instant expires;
    private boolean claimed;

    private FirstAdmin(Store store, Path file, byte[] hash, Instant expires) {
        this.store = store;
        this.file = file;
        this.hash = hash;
        this.expires = expires;
        this.claimed = hash == null;
    }

    /** Nothing to claim: the relay has an admin, or this is a test that needs none. */
    public static FirstAdmin none() {
        return new FirstAdmin(null, null, null, Instant.MIN);
    }

    /**
     * Writes a new token to {@code DATA/first-admin} if the store has no admin; otherwise removes a file left from
     * an earlier start, and offers nothing.
     */
    public static FirstAdmin prepare(Path data, Store store, Instant now) {
        Path file = data.resolve(FILE);
        try {
            Files.deleteIfExists(file);
            if (store.users().stream().anyMatch(u -> u.role() == Role.ADMIN)) {
                return none();
            }
            byte[] secret = new byte[SECRET_BYTES];
            new SecureRandom().nextBytes(secret);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            // Created 0600, never chmod-ed later: there is no moment at which another user could open it.
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, token + "\n");
            return new FirstAdmin(store, file, digest(token), now.plus(TTL));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the first-admin token to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Where the token is, when one is on offer. */
    public Path file() {
        return file;
    }

    /** Whether a {@code first-admin} login is admitted now (for {@code claim} alone). */
    public synchronized boolean isOpen(Instant now) {
        return !claimed && now.isBefore(expires);
    }

    /**
     * Makes {@code publicKeyLine} the key of the admin if {@code presented} (what the claimant sent on stdin) is
     * the token. The reply never repeats what was sent.
     */
    public synchronized Result claim(String publicKeyLine, String presented, Instant now) {
        if (claimed) {
            return Result.error("this relay already has its admin; ask them for an account");
        }
        if (!now.isBefore(expires)) {
            return Result.error(
                    "the first-admin token expired at " + expires + "; restart the relay for a new one in " + file);
        }
        if (!MessageDigest.isEqual(hash, digest(presented.strip()))) {
            return Result.error(
                    "that is not the token in " + file + " on the relay; send the file itself: claim < " + file);
        }
        store.ensureAdmin("admin", publicKeyLine);
        claimed = true;
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn(
                    "first admin claimed, but {} could not be removed ({}); delete it, it is no longer valid",
                    file,
                    e.toString());
        }
        return Result.ok("this key is now the key of user admin, this relay's admin; log in as admin@ from now on\n");
    }

    private static byte[] digest(String token) {
        return Fingerprint.of(token.getBytes(StandardCharsets.UTF_8)).sha256();
    }
}

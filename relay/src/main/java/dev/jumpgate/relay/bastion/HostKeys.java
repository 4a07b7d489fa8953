package dev.jumpgate.relay.bastion;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * The bastion's host keys, one file each in the data directory in OpenSSH's format, made on first start (mode 600)
 * and then only read: a key that changed would make every user's ssh refuse the relay, so a file that cannot be
 * read stops the start, never makes a new key.
 *
 * <pre>
 *   ssh_host_key           ECDSA P-256, the relay's first and for long its only key: its name stays, so that
 *                          known_hosts entries users already have stay valid
 *   ssh_host_ed25519_key   Ed25519
 *   ssh_host_rsa_key       RSA 3072, for clients that know no other (offered as rsa-sha2-512/256 only)
 * </pre>
 */
final class HostKeys {

    /** A key file, and the key made when it is missing: {@code type} as OpenSSH names keys. */
    record Kind(String file, String type, int bits) {}

    static final List<Kind> KINDS = List.of(
            new Kind("ssh_host_key", "ecdsa-sha2-nistp256", 256),
            new Kind("ssh_host_ed25519_key", "ssh-ed25519", 256),
            new Kind("ssh_host_rsa_key", "ssh-rsa", 3072));

    private HostKeys() {}

    /** Every key, read (or made) now, so that a broken file stops the start rather than a later login. */
    static KeyPairProvider loadOrCreate(Path dir) throws IOException {
        List<KeyPair> pairs = new ArrayList<>();
        for (Kind kind : KINDS) {
            Path file = dir.resolve(kind.file());
            pairs.add(Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? load(file) : create(file, kind));
        }
        return KeyPairProvider.wrap(pairs);
    }

    /** Each key as an OpenSSH public key line ({@code ssh-ed25519 AAAA...}), in {@link #KINDS}'s order. */
    static List<String> lines(KeyPairProvider keys) {
        List<String> lines = new ArrayList<>();
        try {
            keys.loadKeys(null).forEach(pair -> lines.add(PublicKeyEntry.toString(pair.getPublic())));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the SSH host keys", e);
        }
        return lines;
    }

    private static KeyPair load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, new PathResource(file), in, null);
            Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
            if (it != null && it.hasNext()) {
                return it.next();
            }
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw unreadable(file, e.getMessage(), e);
        }
        throw unreadable(file, "it holds no key pair", null);
    }

    private static IOException unreadable(Path file, String why, Exception cause) {
        return new IOException(
                "cannot read the SSH host key " + file + " (" + why + "): restore it from a backup, or"
                        + " delete it to make a new one (users' ssh will then warn that the relay's host key changed)",
                cause);
    }

    private static KeyPair create(Path file, Kind kind) throws IOException {
        ByteArrayOutputStream secret = new ByteArrayOutputStream();
        KeyPair pair;
        try {
            pair = KeyUtils.generateKeyPair(kind.type(), kind.bits());
            new OpenSSHKeyPairResourceWriter().writePrivateKey(pair, "jumpgate relay host key", null, secret);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make a " + kind.type() + " host key for " + file + ": " + e.getMessage(), e);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        // Created 600, never wider for a moment: the private key is written into it.
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, secret.toByteArray());
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file);
        }
        return pair;
    }
}

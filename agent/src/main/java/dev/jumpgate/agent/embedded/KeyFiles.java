package dev.jumpgate.agent.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Iterator;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Key pairs in OpenSSH's own file format, as {@code ssh-keygen} writes them: the private key (mode 600) and
 * {@code FILE.pub} beside it. Made once and then only read: a host key that changed would make
 * every client refuse the device, so a file that cannot be read is an error, never a reason to make a new one.
 */
public final class KeyFiles {

    private KeyFiles() {}

    /** The Ed25519 key pair in {@code file}, generated and written first if there is none. */
    public static KeyPair loadOrCreate(Path file, String comment) throws IOException {
        return loadOrCreate(file, "ssh-ed25519", 256, comment);
    }

    /**
     * The key pair in {@code file}, generated and written first if there is none: {@code type} as OpenSSH names
     * keys ({@code ssh-ed25519}, {@code ecdsa-sha2-nistp256}, {@code ssh-rsa}) of {@code bits}.
     */
    public static KeyPair loadOrCreate(Path file, String type, int bits, String comment) throws IOException {
        if (Files.exists(file)) {
            return load(file);
        }
        KeyPair pair;
        try {
            pair = KeyUtils.generateKeyPair(type, bits);
        } catch (GeneralSecurityException e) {
            throw new IOException(
                    "cannot generate a " + type + " key (is BouncyCastle on the classpath?): " + e.getMessage(), e);
        }
        ByteArrayOutputStream secret = new ByteArrayOutputStream();
        try {
            new OpenSSHKeyPairResourceWriter().writePrivateKey(pair, comment, null, secret);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encode the key for " + file + ": " + e.getMessage(), e);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(tmp);
        }
        Files.write(tmp, secret.toByteArray());
        Files.writeString(file.resolveSibling(file.getFileName() + ".pub"), publicLine(pair) + " " + comment + "\n");
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return pair;
    }

    static KeyPair load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, new PathResource(file), in, null);
            Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
            if (it == null || !it.hasNext()) {
                throw new IOException(file + " holds no key pair; restore it from a backup, or delete it to make a"
                        + " new one (clients will then see a new host key)");
            }
            return it.next();
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " cannot be read as an OpenSSH key: " + e.getMessage(), e);
        }
    }

    /** The public half as an OpenSSH line without comment: {@code ssh-ed25519 AAAA...}. */
    public static String publicLine(KeyPair pair) {
        return PublicKeyEntry.toString(pair.getPublic());
    }

    /** {@code SHA256:...}, as ssh-keygen -l prints it. */
    static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(key);
    }
}

package dev.jumpgate.relay.bastion;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

/**
 * The bastion's host keys, one file each in the data directory, made on first start (mode 600) and then only read:
 *
 * <pre>
 *   ssh_host_key           ECDSA P-256, the relay's first and for long its only key: its name stays, so that
 *                          known_hosts entries users already have stay valid
 *   ssh_host_ed25519_key   Ed25519
 *   ssh_host_rsa_key       RSA 3072, for clients that know no other (offered as rsa-sha2-512/256 only)
 * </pre>
 */
final class HostKeys {

    record Kind(String file, String algorithm, int size) {
    }

    static final List<Kind> KINDS = List.of(new Kind("ssh_host_key", "EC", 256),
            new Kind("ssh_host_ed25519_key", "ED25519", 0), new Kind("ssh_host_rsa_key", "RSA", 3072));

    private HostKeys() {
    }

    /** Every key, loaded (or made) now, so that a broken file stops the start rather than a later login. */
    static KeyPairProvider loadOrCreate(Path dir) throws IOException {
        List<KeyPair> pairs = new ArrayList<>();
        for (Kind kind : KINDS) {
            SimpleGeneratorHostKeyProvider file = new SimpleGeneratorHostKeyProvider(dir.resolve(kind.file()));
            file.setAlgorithm(kind.algorithm());
            if (kind.size() != 0) {
                file.setKeySize(kind.size());
            }
            try {
                pairs.add(file.loadKeys(null).iterator().next());
            } catch (RuntimeException e) {
                throw new IOException("cannot read or make the SSH host key " + dir.resolve(kind.file()) + ": " + e
                        + "; restore it from a backup, or delete it to make a new one (users will then see a new"
                        + " host key)", e);
            }
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
}

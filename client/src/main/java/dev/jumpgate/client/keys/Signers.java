package dev.jumpgate.client.keys;

import dev.jumpgate.transport.link.Signer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The keys a client may prove its user with, in the order ssh tries them: the configured identity (through
 * ssh-agent if the agent holds it, so encrypted keys work), else every ssh-agent key, then the key files ssh would
 * offer (its configured {@code IdentityFile}s, as {@code jumpgate login} learns them) or else the default ones.
 */
public final class Signers {

    private static final List<String> DEFAULT_FILES = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    /** A key that is loaded only when it is tried. */
    public interface Candidate {
        Signer load() throws IOException;

        String describe();

        /** The key file it is loaded from; empty for a key ssh-agent holds. */
        default Optional<Path> file() {
            return Optional.empty();
        }
    }

    private Signers() {}

    public static List<Candidate> candidates(Optional<Path> identity) {
        return candidates(identity, List.of());
    }

    /** {@code keyFiles}: the files to try after ssh-agent's keys when no identity is set; empty: the defaults. */
    public static List<Candidate> candidates(Optional<Path> identity, List<Path> keyFiles) {
        List<Candidate> out = new ArrayList<>();
        List<AgentSigner> agentKeys = agentKeys();
        if (identity.isPresent()) {
            Path key = identity.get();
            Optional<AgentSigner> inAgent = publicBlob(key)
                    .flatMap(blob -> agentKeys.stream()
                            .filter(a -> Arrays.equals(a.publicKey(), blob))
                            .findFirst());
            out.add(inAgent.isPresent() ? fixed(inAgent.get()) : file(key));
            return out;
        }
        agentKeys.forEach(k -> out.add(fixed(k)));
        Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
        List<Path> files =
                keyFiles.isEmpty() ? DEFAULT_FILES.stream().map(ssh::resolve).toList() : keyFiles;
        files.stream().filter(Files::exists).forEach(f -> out.add(file(f)));
        return out;
    }

    private static List<AgentSigner> agentKeys() {
        String sock = System.getenv("SSH_AUTH_SOCK");
        if (sock == null || sock.isBlank()) {
            return List.of();
        }
        try {
            return AgentSigner.keys(Path.of(sock));
        } catch (IOException e) {
            return List.of(); // no agent after all; the key files remain
        }
    }

    /** The public key blob from {@code KEY.pub}, if there is one. */
    private static Optional<byte[]> publicBlob(Path key) {
        Path pub = Path.of(key + ".pub");
        try {
            String[] f = Files.readString(pub).strip().split("\\s+");
            return f.length >= 2 ? Optional.of(Base64.getDecoder().decode(f[1])) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Candidate fixed(Signer s) {
        return new Candidate() {
            @Override
            public Signer load() {
                return s;
            }

            @Override
            public String describe() {
                return s.describe();
            }
        };
    }

    private static Candidate file(Path f) {
        return new Candidate() {
            @Override
            public Signer load() throws IOException {
                return KeyFileSigner.load(f);
            }

            @Override
            public String describe() {
                return "key file " + f;
            }

            @Override
            public Optional<Path> file() {
                return Optional.of(f);
            }
        };
    }
}

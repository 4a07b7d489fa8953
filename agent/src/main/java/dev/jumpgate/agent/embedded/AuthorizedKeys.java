package dev.jumpgate.agent.embedded;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * The public keys that may log in, read from OpenSSH {@code authorized_keys} files: the user's own
 * {@code ~/.ssh/authorized_keys} and the agent's {@code --authorized-keys} files. Files are read at every login,
 * so an edit takes effect at once, as with sshd.
 *
 * <p>A key with options ({@code command="..."}, {@code from=...}, {@code restrict}, ...) is skipped, not
 * accepted without them: those options only ever narrow what a key may do, and ignoring them would hand that key
 * more than its owner meant to. A file that breaks sshd's StrictModes rules is skipped whole ({@link OwnedFile}).
 */
final class AuthorizedKeys {

    /** One usable key and where it was found ({@code FILE:LINE}). */
    record Entry(PublicKey key, String source) {}

    /** The keys found, and one line per thing skipped, for the log. */
    record Found(List<Entry> keys, List<String> problems) {
        Optional<Entry> match(PublicKey key) {
            return keys.stream().filter(e -> KeyUtils.compareKeys(e.key(), key)).findFirst();
        }
    }

    /** Larger than any real authorized_keys; keeps a runaway file from being read into memory. */
    static final long MAX_FILE_BYTES = 1 << 20;

    private static final Pattern KEY_TYPE = Pattern.compile("(ssh-|ecdsa-sha2-|sk-ssh-|sk-ecdsa-)[A-Za-z0-9@.-]+");

    private AuthorizedKeys() {}

    /**
     * The usable keys of the user's own {@code ~/.ssh/authorized_keys} and of the agent's {@code agentFiles}, each
     * read under {@link OwnedFile}'s rules for {@code account}. A refused file gives one problem saying which rule
     * it broke, and never a word of its content.
     */
    static Found read(Account account, List<Path> agentFiles) {
        List<Entry> keys = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Path own = account.home().resolve(".ssh").resolve("authorized_keys");
        readOne(own, account, true, keys, problems);
        for (Path f : agentFiles) {
            readOne(f, account, false, keys, problems);
        }
        return new Found(List.copyOf(keys), List.copyOf(problems));
    }

    private static void readOne(Path f, Account account, boolean asTheUser, List<Entry> keys, List<String> problems) {
        switch (OwnedFile.read(f, account, asTheUser, MAX_FILE_BYTES)) {
            case OwnedFile.Result.Missing m -> {}
            case OwnedFile.Result.Refused r -> problems.add("skipped " + r.reason());
            case OwnedFile.Result.Text t -> {
                Found one = parse(t.text(), f.toString());
                keys.addAll(one.keys());
                problems.addAll(one.problems());
            }
        }
    }

    /** The keys in the text of one authorized_keys file; {@code source} names it in problems. */
    static Found parse(String text, String source) {
        List<Entry> keys = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int n = 0;
        for (String raw : text.split("\n", -1)) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + ":" + n;
            String type = line.split("\\s+", 2)[0];
            if (!KEY_TYPE.matcher(type).matches()) {
                problems.add(where + ": key with options (" + optionNames(line) + ") skipped: the embedded server"
                        + " does not enforce authorized_keys options");
                continue;
            }
            if (type.contains("-cert-")) {
                problems.add(where + ": certificate " + type + " skipped: the embedded server does not accept"
                        + " certificates");
                continue;
            }
            try {
                PublicKey key = PublicKeyEntry.parsePublicKeyEntry(line)
                        .resolvePublicKey(null, null, PublicKeyEntryResolver.IGNORING);
                if (key == null) {
                    problems.add(where + ": key type " + type + " is not supported");
                } else {
                    keys.add(new Entry(key, where));
                }
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                problems.add(where + ": not a readable " + type + " key: " + LoginPolicy.printable(e.getMessage()));
            }
        }
        return new Found(List.copyOf(keys), List.copyOf(problems));
    }

    /** Just the option names, never their values: a {@code command="..."} may hold anything. */
    private static String optionNames(String line) {
        List<String> names = new ArrayList<>();
        boolean quoted = false;
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == ',' || Character.isWhitespace(c))) {
                names.add(word.toString().split("=", 2)[0]);
                word.setLength(0);
                if (Character.isWhitespace(c)) {
                    break;
                }
            } else if (!quoted) {
                word.append(c);
            }
        }
        return String.join(",", names.stream().map(LoginPolicy::printable).toList());
    }
}

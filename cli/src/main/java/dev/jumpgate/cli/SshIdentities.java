package dev.jumpgate.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The key files ssh would offer a destination, read from {@code ssh -G}: the {@code IdentityFile}s of the user's
 * ssh config, or ssh's defaults. {@code jumpgate login} tries them, so a key that only an ssh config names logs
 * the client in as it logged ssh in.
 */
final class SshIdentities {

    private SshIdentities() {}

    /**
     * The existing files among the {@code identityfile} lines of {@code ssh -G} output, with {@code ~} and the
     * tokens ssh expands there ({@code %d %u %r %h %%}) expanded; a line with any other token is skipped.
     */
    static List<Path> parse(String sshG, Path home, String localUser) {
        Map<String, String> settings = new HashMap<>();
        List<String> files = new ArrayList<>();
        for (String line : sshG.split("\n")) {
            String[] kv = line.strip().split(" ", 2);
            if (kv.length < 2) {
                continue;
            }
            if (kv[0].equals("identityfile")) {
                files.add(kv[1]);
            } else {
                settings.putIfAbsent(kv[0], kv[1]);
            }
        }
        Map<Character, String> tokens = Map.of(
                'd',
                home.toString(),
                'u',
                localUser,
                'r',
                settings.getOrDefault("user", localUser),
                'h',
                settings.getOrDefault("hostname", ""),
                '%',
                "%");
        List<Path> out = new ArrayList<>();
        for (String f : files) {
            String expanded = expand(f.startsWith("~/") ? home + f.substring(1) : f, tokens);
            if (expanded != null && Files.isRegularFile(Path.of(expanded))) {
                out.add(Path.of(expanded));
            }
        }
        return out;
    }

    private static String expand(String s, Map<Character, String> tokens) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                b.append(c);
                continue;
            }
            if (i + 1 == s.length() || !tokens.containsKey(s.charAt(i + 1))) {
                return null;
            }
            b.append(tokens.get(s.charAt(++i)));
        }
        return b.toString();
    }
}

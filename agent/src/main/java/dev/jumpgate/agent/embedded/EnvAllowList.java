package dev.jumpgate.agent.embedded;

import java.util.List;

/**
 * Which environment variables a client may set in its sessions (OpenSSH's {@code SendEnv}, sshd's
 * {@code AcceptEnv}): names or prefixes ending in {@code *}. Anything else the client sends is dropped, so a
 * client cannot slip {@code LD_PRELOAD} or {@code PATH} into a program that runs as the device's user.
 */
public record EnvAllowList(List<String> patterns) {

    /** What Debian's sshd accepts and Debian's ssh sends: locale, and colour preferences. */
    public static final List<String> DEFAULTS = List.of("LANG", "LANGUAGE", "LC_*", "COLORTERM", "NO_COLOR");

    public EnvAllowList {
        patterns = List.copyOf(patterns);
        for (String p : patterns) {
            if (p.isEmpty() || p.indexOf('*') >= 0 && p.indexOf('*') != p.length() - 1) {
                throw new IllegalArgumentException(
                        "environment pattern '" + p + "' must be a name, or a prefix followed by one trailing *");
            }
        }
    }

    public static EnvAllowList defaults() {
        return new EnvAllowList(DEFAULTS);
    }

    public boolean allows(String name) {
        if (name == null || name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
            return false;
        }
        for (String p : patterns) {
            if (p.endsWith("*") ? name.startsWith(p.substring(0, p.length() - 1)) : name.equals(p)) {
                return true;
            }
        }
        return false;
    }
}

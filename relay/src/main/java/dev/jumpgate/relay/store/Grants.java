package dev.jumpgate.relay.store;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Pure rules for grant patterns and port lists, kept apart from storage so that they are easy to test. */
public final class Grants {

    /** The ports a grant gives when none are named: SSH only. */
    public static final String DEFAULT_PORTS = "22";

    private static final Pattern DEVICE_PATTERN = Pattern.compile("[a-z0-9*?-]{1,63}");

    private Grants() {}

    /**
     * Whether the glob {@code pattern} matches the whole of {@code deviceName}: {@code *} stands for any run of
     * characters (also none), {@code ?} for exactly one, everything else for itself. Anchored at both ends, so
     * {@code pi-*} matches "pi-kitchen" but not "pix" or "old-pi-kitchen".
     */
    public static boolean matches(String pattern, String deviceName) {
        if (pattern == null || deviceName == null) {
            return false;
        }
        // Greedy matching with one backtrack point (the last '*'): linear in practice and, unlike a regex built
        // from user input, cannot blow up on patterns such as "*-*-*-*".
        int p = 0;
        int n = 0;
        int star = -1;
        int starMatch = 0;
        while (n < deviceName.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == deviceName.charAt(n))) {
                p++;
                n++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                starMatch = n;
            } else if (star >= 0) {
                p = star + 1;
                n = ++starMatch;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /** Whether {@code ports} ("*", "22" or "22,8080") allows {@code port}. Anything malformed allows nothing. */
    public static boolean portAllowed(String ports, int port) {
        if (ports == null) {
            return false;
        }
        if (ports.strip().equals("*")) {
            return port >= 1 && port <= 65535;
        }
        boolean allowed = false;
        for (String part : ports.split(",", -1)) {
            String p = part.strip();
            if (!p.matches("[0-9]{1,5}")) {
                return false;
            }
            allowed |= Integer.parseInt(p) == port;
        }
        return allowed;
    }

    static String checkPattern(String pattern) {
        if (pattern == null || !DEVICE_PATTERN.matcher(pattern).matches()) {
            throw new StoreException("invalid device pattern '" + Printable.of(pattern)
                    + "': use lowercase letters, digits, '-', and the wildcards '*' and '?', e.g. pi-*");
        }
        return pattern;
    }

    /** Validates a port list and writes it in one canonical form ("22,8080"); null or blank means SSH only. */
    static String normalizePorts(String ports) {
        if (ports == null || ports.isBlank()) {
            return DEFAULT_PORTS;
        }
        String trimmed = ports.strip();
        if (trimmed.equals("*")) {
            return trimmed;
        }
        List<String> out = new ArrayList<>();
        for (String part : trimmed.split(",", -1)) {
            String p = part.strip();
            if (!p.matches("[0-9]{1,5}") || Integer.parseInt(p) < 1 || Integer.parseInt(p) > 65535) {
                throw new StoreException("invalid ports '" + Printable.of(ports)
                        + "': use a port (22), a comma list (22,8080) or * for all ports");
            }
            out.add(String.valueOf(Integer.parseInt(p)));
        }
        return String.join(",", out);
    }
}

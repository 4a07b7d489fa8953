package dev.jumpgate.protocol;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The name a device is reached by: {@code ssh root@pi-kitchen}. It is a single DNS label (lowercase letters,
 * digits, inner hyphens, at most 63 characters) so that it is always a valid host name for OpenSSH and never
 * looks like an IP address, a port or a path.
 */
public record DeviceName(String value) {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public DeviceName {
        if (value == null || !LABEL.matcher(value).matches() || looksNumeric(value)) {
            throw new IllegalArgumentException("invalid device name '" + printable(value)
                    + "': use 1-63 lowercase letters, digits and inner hyphens, e.g. pi-kitchen");
        }
    }

    /**
     * Parses user input; ASCII upper case is folded because host names are case-insensitive. Non-ASCII input is
     * refused before folding, so that no Unicode letter folds into an ASCII one ("\u212A" into "k").
     */
    public static DeviceName parse(String text) {
        if (text != null && !text.chars().allMatch(c -> c < 0x80)) {
            return new DeviceName(text);
        }
        return new DeviceName(text == null ? null : text.toLowerCase(Locale.ROOT));
    }

    /** All digits, or 0x and hex digits: the C resolver reads both as an IPv4 address. */
    private static boolean looksNumeric(String v) {
        return v.chars().allMatch(Character::isDigit) || v.matches("0x[0-9a-f]*");
    }

    /** True when {@code text} is a valid device name; used to refuse IPs and host names without throwing. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String printable(String s) {
        if (s == null) {
            return "null";
        }
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    @Override
    public String toString() {
        return value;
    }
}

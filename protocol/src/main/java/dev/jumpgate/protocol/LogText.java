package dev.jumpgate.protocol;

/**
 * Text a peer chose (a login name, a device's refusal reason, a version string, an exception message quoting
 * its bytes) made safe to put in a log line: a newline in it cannot start a forged line, and no control or
 * format character (ANSI escapes, bidi overrides) reaches the operator's terminal. Printable text, non-ASCII
 * letters included, stays as it was; the rest is escaped the way Java writes it, so nothing is lost.
 *
 * <pre>
 *   "alice\nINFO admin ran: user rm bob"  →  alice\nINFO admin ran: user rm bob   (one line, "\n" as 2 chars)
 *   "\u001b[2J"                            →  \u001b[2J
 *   "a\\b"                                 →  a\\b
 * </pre>
 */
public final class LogText {

    /** Longer text is cut: a peer must not fill the log with one field. */
    public static final int MAX_CHARS = 256;

    private LogText() {}

    public static String of(Object value) {
        if (value == null) {
            return "null";
        }
        String s = value.toString();
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_CHARS) + 8);
        int end = Math.min(s.length(), MAX_CHARS);
        if (end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--; // keep a pair whole rather than leave half of it at the cut
        }
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (unsafe(s, i, c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (s.length() > end) {
            out.append("...(").append(s.length() - end).append(" more)");
        }
        return out.toString();
    }

    private static boolean unsafe(String s, int i, char c) {
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        return switch (Character.getType(c)) {
            case Character.CONTROL,
                    Character.FORMAT,
                    Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR,
                    Character.UNASSIGNED,
                    Character.PRIVATE_USE -> true;
            default -> false;
        };
    }
}

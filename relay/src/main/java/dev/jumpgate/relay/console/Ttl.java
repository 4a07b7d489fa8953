package dev.jumpgate.relay.console;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as people write them on a command line: 90s, 30m, 1h, 7d. */
final class Ttl {

    private static final Pattern FORM = Pattern.compile("(\\d{1,6})([smhd])");
    static final Duration MAX = Duration.ofDays(30);

    private Ttl() {}

    static Duration parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid duration '" + text + "': use e.g. 30m, 1h or 7d");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.isZero() || d.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("duration must be between 1s and 30d, got " + text);
        }
        return d;
    }
}

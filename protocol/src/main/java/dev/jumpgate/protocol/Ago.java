package dev.jumpgate.protocol;

import java.time.Duration;
import java.time.Instant;

/** "3 min ago": how long ago something was, for people (the relay's messages and the client's lists). */
public final class Ago {

    private Ago() {}

    public static String since(Instant then, Instant now) {
        if (then == null) {
            return "never";
        }
        long s = Math.max(0, Duration.between(then, now).toSeconds());
        if (s < 5) {
            return "just now";
        }
        if (s < 60) {
            return s + " s ago";
        }
        if (s < 3600) {
            return s / 60 + " min ago";
        }
        if (s < 86400) {
            return s / 3600 + " h ago";
        }
        long days = s / 86400;
        return days + (days == 1 ? " day ago" : " days ago");
    }
}

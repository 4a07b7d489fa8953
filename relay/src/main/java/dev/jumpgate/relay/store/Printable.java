package dev.jumpgate.relay.store;

/** Makes operator input safe to echo in an error message: bounded length, no control characters. */
final class Printable {

    private Printable() {}

    static String of(String s) {
        if (s == null) {
            return "null";
        }
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}

package dev.jumpgate.transport.poll;

import java.time.Duration;

/**
 * What the relay lets long-poll sessions take before and after their link authenticates.
 *
 * @param sessions sessions at once, all agents together
 * @param unlinkedPerAddress sessions whose link has not authenticated yet, from one address
 * @param unlinked such sessions from every address together
 * @param unlinkedLife how long a session may go without its link authenticating (the handshake limit, and a
 *     moment for the agent to fetch the refusal or alert its link wrote last)
 * @param reassembly bytes held early (ahead of a gap) by every session together
 */
public record PollLimits(int sessions, int unlinkedPerAddress, int unlinked, Duration unlinkedLife, long reassembly) {

    /** Early bytes a session may hold before its link has authenticated: the TLS handshake and Hello fit. */
    static final int UNLINKED_WINDOW = 64 * 1024;

    public static final PollLimits DEFAULTS =
            new PollLimits(10_000, 32, 512, Duration.ofSeconds(12), 256L * 1024 * 1024);

    public PollLimits {
        if (sessions <= 0
                || unlinkedPerAddress <= 0
                || unlinked <= 0
                || reassembly <= 0
                || unlinkedLife.isNegative()
                || unlinkedLife.isZero()) {
            throw new IllegalArgumentException("long-poll limits must be positive: " + sessions + " sessions, "
                    + unlinkedPerAddress + " per address, " + unlinked + " unlinked, " + unlinkedLife + ", "
                    + reassembly + " bytes");
        }
    }

    /** The same, with other caps on sessions whose link has not authenticated. */
    public PollLimits withUnlinked(int perAddress, int total) {
        return new PollLimits(sessions, perAddress, total, unlinkedLife, reassembly);
    }
}

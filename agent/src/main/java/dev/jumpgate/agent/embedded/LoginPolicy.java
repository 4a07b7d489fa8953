package dev.jumpgate.agent.embedded;

import dev.jumpgate.protocol.LogText;
import java.util.Optional;
import java.util.function.Function;

/**
 * Whose sessions the embedded server may start. It runs with the agent's own rights, so an agent that is not
 * root can serve only its own user; an agent running as root serves any existing account, and switches to it
 * for every program the session starts.
 */
record LoginPolicy(Account agent, Function<String, Optional<Account>> accounts) {

    sealed interface Decision {
        /** {@code switchUser}: programs must drop from the agent's root to {@code account} before they run. */
        record Allow(Account account, boolean switchUser) implements Decision {}

        record Refuse(String reason) implements Decision {}
    }

    Decision decide(String login) {
        if (login.equals(agent.name())) {
            return new Decision.Allow(agent, false);
        }
        if (!agent.isRoot()) {
            return new Decision.Refuse("the agent runs as '" + agent.name() + "', not root, so it can start sessions"
                    + " only as '" + agent.name() + "'; log in as " + agent.name() + "@DEVICE");
        }
        Optional<Account> account = accounts.apply(login);
        if (account.isEmpty()) {
            return new Decision.Refuse("no user '" + printable(login) + "' on this device");
        }
        return new Decision.Allow(account.get(), account.get().uid() != agent.uid());
    }

    /** A client-chosen name, safe to put in a log line. */
    static String printable(String s) {
        return LogText.of(s);
    }
}

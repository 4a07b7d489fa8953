package dev.jumpgate.agent.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginPolicyTest {

    private static final Account ROOT = new Account("root", 0, 0, Path.of("/root"), "/bin/bash");
    private static final Account ALICE = new Account("alice", 1000, 1000, Path.of("/home/alice"), "/bin/bash");
    private static final Account BOB = new Account("bob", 1001, 1001, Path.of("/home/bob"), "/bin/sh");
    private static final Map<String, Account> USERS = Map.of("root", ROOT, "alice", ALICE, "bob", BOB);

    private static LoginPolicy.Decision decide(Account agent, String login) {
        return new LoginPolicy(agent, name -> Optional.ofNullable(USERS.get(name))).decide(login);
    }

    @Test
    void theAgentsOwnUserLogsInWithoutSwitching() {
        assertThat(decide(ALICE, "alice")).isEqualTo(new LoginPolicy.Decision.Allow(ALICE, false));
        assertThat(decide(ROOT, "root")).isEqualTo(new LoginPolicy.Decision.Allow(ROOT, false));
    }

    @Test
    void anAgentThatIsNotRootServesOnlyItsOwnUserAndSaysSo() {
        assertThat(decide(ALICE, "bob"))
                .isInstanceOfSatisfying(
                        LoginPolicy.Decision.Refuse.class,
                        r -> assertThat(r.reason()).contains("runs as 'alice'").contains("log in as alice@"));
        assertThat(decide(ALICE, "root")).isInstanceOf(LoginPolicy.Decision.Refuse.class);
    }

    @Test
    void aRootAgentSwitchesToAnyExistingUser() {
        assertThat(decide(ROOT, "bob")).isEqualTo(new LoginPolicy.Decision.Allow(BOB, true));
        assertThat(decide(ROOT, "mallory"))
                .isInstanceOfSatisfying(
                        LoginPolicy.Decision.Refuse.class,
                        r -> assertThat(r.reason()).contains("no user 'mallory'"));
    }

    @Test
    void clientChosenNamesArePrintedSafely() {
        assertThat(LoginPolicy.printable("evil\u001b[2Jname\n")).isEqualTo("evil\\u001b[2Jname\\n");
        assertThat(LoginPolicy.printable("x".repeat(1000)))
                .startsWith("x".repeat(256))
                .endsWith("(744 more)");
    }
}

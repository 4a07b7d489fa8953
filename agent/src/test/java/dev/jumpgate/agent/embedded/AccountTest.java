package dev.jumpgate.agent.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AccountTest {

    @Test
    void passwdLineGivesNameIdsHomeAndShell() {
        assertThat(Account.parsePasswd("alice:x:1000:1001:Alice,,,:/home/alice:/bin/zsh\n"))
                .contains(new Account("alice", 1000, 1001, Path.of("/home/alice"), "/bin/zsh"));
    }

    @Test
    void emptyShellFieldMeansBinSh() {
        assertThat(Account.parsePasswd("svc:x:998:998::/var/lib/svc:")
                        .orElseThrow()
                        .shell())
                .isEqualTo("/bin/sh");
    }

    @Test
    void malformedLinesAreNotAccounts() {
        assertThat(Account.parsePasswd("")).isEmpty();
        assertThat(Account.parsePasswd("alice:x:1000:1000:/home/alice:/bin/sh"))
                .as("six fields")
                .isEmpty();
        assertThat(Account.parsePasswd("alice:x:-1:1000::/home/alice:/bin/sh")).isEmpty();
        assertThat(Account.parsePasswd("alice:x:1000:1000:::/bin/sh"))
                .as("no home")
                .isEmpty();
    }

    @Test
    void namesNoUseraddAcceptsAreNeverLookedUp() {
        assertThat(Account.lookup("-rf")).isEmpty();
        assertThat(Account.lookup("a b")).isEmpty();
        assertThat(Account.lookup("root;id")).isEmpty();
        assertThat(Account.lookup("")).isEmpty();
    }

    @Test
    void theAgentsOwnAccountIsKnown() {
        Account self = Account.current();
        assertThat(self.name()).isEqualTo(System.getProperty("user.name"));
        assertThat(self.home()).isAbsolute();
    }
}

package dev.jumpgate.agent.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class LaunchTest {

    private static final Account ALICE = new Account("alice", 1000, 1001, Path.of("/home/alice"), "/bin/zsh");
    private static final Launch.Peer PEER = new Launch.Peer("127.0.0.1", 40000, "127.0.0.1", 2222);

    @Test
    void theAgentsOwnUserRunsCommandsThroughItsShell() {
        Launch own = new Launch(ALICE, false);
        assertThat(own.command("ls -l")).containsExactly("/bin/zsh", "-c", "ls -l");
        assertThat(own.loginShell()).containsExactly("/bin/zsh", "-l");
    }

    @Test
    void anotherUserIsSwitchedToBeforeAnythingRuns() {
        Assumptions.assumeTrue(Launch.SETPRIV.isPresent(), "setpriv is installed");
        List<String> argv = new Launch(ALICE, true).command("id");
        assertThat(argv)
                .containsExactly(
                        Launch.SETPRIV.get().toString(),
                        "--reuid=1000",
                        "--regid=1001",
                        "--init-groups",
                        "--",
                        "/bin/zsh",
                        "-c",
                        "id");
    }

    @Test
    void theEnvironmentIsALoginsNotTheAgents() {
        Map<String, String> env = new Launch(ALICE, false).environment(Map.of(), EnvAllowList.defaults(), null, PEER);
        assertThat(env)
                .containsEntry("HOME", "/home/alice")
                .containsEntry("USER", "alice")
                .containsEntry("LOGNAME", "alice")
                .containsEntry("SHELL", "/bin/zsh")
                .containsEntry("SSH_CONNECTION", "127.0.0.1 40000 127.0.0.1 2222")
                .containsEntry("SSH_CLIENT", "127.0.0.1 40000 2222")
                .doesNotContainKey("TERM");
        assertThat(env.get("PATH")).doesNotContain("sbin");
        for (String agents : System.getenv().keySet()) {
            if (!List.of("HOME", "USER", "LOGNAME", "SHELL", "PATH").contains(agents)) {
                assertThat(env).as("the agent's %s", agents).doesNotContainKey(agents);
            }
        }
    }

    @Test
    void theClientSetsOnlyAllowedVariablesAndCannotOverrideTheLogin() {
        Map<String, String> env = new Launch(ALICE, false)
                .environment(
                        Map.of(
                                "LANG",
                                "de_DE.UTF-8",
                                "LC_TIME",
                                "C",
                                "LD_PRELOAD",
                                "/tmp/evil.so",
                                "HOME",
                                "/tmp",
                                "TERM",
                                "vt100"),
                        new EnvAllowList(List.of("LANG", "LC_*", "HOME")),
                        "xterm-256color",
                        PEER);
        assertThat(env)
                .containsEntry("LANG", "de_DE.UTF-8")
                .containsEntry("LC_TIME", "C")
                .doesNotContainKey("LD_PRELOAD")
                .containsEntry("HOME", "/home/alice")
                .containsEntry("TERM", "xterm-256color");
    }

    @Test
    void programsStartInTheHomeOrAtTheRootWhenItIsMissing() {
        assertThat(new Launch(new Account("x", 1, 1, Path.of("/nonexistent"), "/bin/sh"), false).directory())
                .isEqualTo(Path.of("/"));
        assertThat(new Launch(Account.current(), false).directory())
                .isEqualTo(Account.current().home());
    }
}

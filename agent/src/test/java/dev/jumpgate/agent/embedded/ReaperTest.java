package dev.jumpgate.agent.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ReaperTest {

    @Test
    void sessionIdIsTheSixthFieldOfProcStat() {
        assertThat(Reaper.sessionOf("4242 (bash) S 4100 4242 4242 34816 4300 4194560 0 0"))
                .hasValue(4242);
    }

    @Test
    void commandNamesWithSpacesAndParenthesesDoNotShiftTheFields() {
        assertThat(Reaper.sessionOf("77 (my (odd) prog) R 1 70 71 0 -1 4194560"))
                .hasValue(71);
    }

    @Test
    void malformedStatLinesHaveNoSession() {
        assertThat(Reaper.sessionOf("")).isEqualTo(OptionalLong.empty());
        assertThat(Reaper.sessionOf("12 (x) S 1")).isEmpty();
    }

    /** A shell that ignores the polite signals, with a child of its own: both must be gone after the grace. */
    @Test
    void aSessionThatIgnoresSigtermIsKilledAfterTheGracePeriod() throws Exception {
        Process leader = new ProcessBuilder("setsid", "sh", "-c", "trap '' TERM HUP INT; sleep 1000 & wait").start();
        long sid = leader.pid();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> Reaper.sessionMembers(sid).size() == 2);
        List<ProcessHandle> members = Reaper.sessionMembers(sid);

        Reaper.endSession(sid);

        await().atMost(Reaper.GRACE.plusSeconds(5)).until(() -> members.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(ProcessHandle.current().isAlive())
                .as("the agent is in no session it ends")
                .isTrue();
    }

    @Test
    void aCommandAndItsChildrenEnd() throws Exception {
        Process command = new ProcessBuilder("sh", "-c", "sleep 1000 & sleep 1000 & wait").start();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> command.toHandle().descendants().count() == 2);
        List<ProcessHandle> children = command.toHandle().descendants().toList();

        Reaper.endTree(command.toHandle());

        await().atMost(Reaper.GRACE.plusSeconds(5))
                .until(() -> !command.isAlive() && children.stream().noneMatch(ProcessHandle::isAlive));
    }
}

package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.agent.AgentState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A small {@code bench/capacity}: a relay process holds {@value #LINKS} simulated agents (each enrolled with its own
 * token, its own key, real TLS and HTTP/2) while serving a real {@code ssh -J}, and every one links again by
 * itself after the relay is killed and started again.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CapacityTest {

    static final int LINKS = 300;
    static final Duration LINK_LIMIT = Duration.ofSeconds(90);

    @Test
    void relayHoldsHundredsOfLinksServesSshMeanwhileAndAllRelinkAfterARestart() throws Exception {
        try (Lab lab = new Lab(Lab.workDir(getClass()), SimulatedAgents.RELAY_ARGS);
                SimulatedAgents sims = new SimulatedAgents()) {
            lab.addDevice("pi-real");
            List<AgentState> states = sims.enroll(CapacityBench.tokens(lab, LINKS), lab.dir.resolve("sim-agents"), 16);
            assertThat(states).hasSize(LINKS);
            states.forEach(sims::start);
            assertThat(CapacityBench.awaitLinked(lab.relay(), LINKS + 1, LINK_LIMIT))
                    .isGreaterThanOrEqualTo(LINKS + 1);
            assertThat(lab.ssh("admin", "pi-real", "echo held", null, Duration.ofSeconds(30))
                            .out())
                    .isEqualTo("held\n");
            CapacityBench.echo(lab, CapacityBench.deviceName(LINKS), sims.echoPort(), 4096);

            lab.relay().kill();
            lab.startRelay();

            assertThat(CapacityBench.awaitLinked(lab.relay(), LINKS + 1, LINK_LIMIT))
                    .isGreaterThanOrEqualTo(LINKS + 1);
            assertThat(lab.console("admin", "devices").out().lines().filter(l -> l.contains(" online ")))
                    .hasSize(LINKS + 1);
            assertThat(lab.ssh("admin", "pi-real", "echo back", null, Duration.ofSeconds(30))
                            .out())
                    .isEqualTo("back\n");
            CapacityBench.echo(lab, CapacityBench.deviceName(1), sims.echoPort(), 4096);
            assertThat(sims.gaveUp).isEmpty();
        }
    }
}

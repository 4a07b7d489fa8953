package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A link whose path dies silently (no FIN, no RST: a NAT mapping dropped, a cable pulled) is noticed by the
 * keepalive within 30 s on both ends, and the agent links again on its own.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DeadLinkTest {

    @Test
    void silentlyDeadLinkIsDetectedWithinThirtySecondsAndReplaced() throws Exception {
        try (Lab lab = new Lab(Lab.workDir(getClass()));
                FreezingProxy proxy = new FreezingProxy(lab.linkPort)) {
            assertThat(lab.enroll("pi-kitchen", lab.token("pi-kitchen")).awaitExit(Lab.START))
                    .isZero();
            // The agent dials the relay through the proxy: rewrite the address it was enrolled with.
            Path props = lab.agentState("pi-kitchen").resolve("agent.properties");
            Files.writeString(
                    props, Files.readString(props).replaceAll("relay=.*", "relay=127.0.0.1\\\\:" + proxy.port()));
            LocalTime started = LocalTime.now();
            Proc agent = lab.startAgent("pi-kitchen");
            // Freeze only a link both ends hold as up: the relay has said the device is online (since the agent
            // started: enrolling brought it online for a moment too), and the agent has its welcome. Frozen
            // earlier, the link would fail as a dial, not die as a link.
            lab.relay().awaitLogSince("device pi-kitchen online", started, Lab.START);
            agent.awaitLog("device pi-kitchen linked to relay", Lab.START);

            proxy.freezeExisting();
            LocalTime frozen = LocalTime.now();
            // By the log lines, not by polling `devices` for "offline": the agent links again within a fraction
            // of a second, so the offline spell can be shorter than a poll.
            Duration relaySaw = Duration.between(
                    frozen, lab.relay().awaitLogSince("device pi-kitchen offline", frozen, Duration.ofSeconds(40)));
            Duration agentSaw =
                    Duration.between(frozen, agent.awaitLogSince("closing it as dead", frozen, Duration.ofSeconds(40)));
            assertThat(relaySaw).as("relay notices the dead link").isLessThanOrEqualTo(Duration.ofSeconds(30));
            assertThat(agentSaw).as("agent notices the dead link").isLessThanOrEqualTo(Duration.ofSeconds(30));

            lab.relay().awaitLogSince("device pi-kitchen online", frozen.plus(relaySaw), Duration.ofSeconds(45));
            lab.refreshKnownHosts();
            assertThat(lab.ssh("admin", "pi-kitchen", "echo alive", null, Duration.ofSeconds(30))
                            .out())
                    .isEqualTo("alive\n");
        }
    }
}

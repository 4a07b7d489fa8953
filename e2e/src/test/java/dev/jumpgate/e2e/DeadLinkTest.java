package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A link whose path dies silently (no FIN, no RST: a NAT mapping dropped, a cable pulled) is noticed by the
 * keepalive within 30 s on both ends, and the agent links again on its own.
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class DeadLinkTest {

    @Test
    void silentlyDeadLinkIsDetectedWithinThirtySecondsAndReplaced() throws Exception {
        try (Lab lab = new Lab(Lab.workDir(getClass())); FreezingProxy proxy = new FreezingProxy(lab.linkPort)) {
            assertThat(lab.enroll("pi-kitchen", lab.token("pi-kitchen")).awaitExit(Lab.START)).isZero();
            // The agent dials the relay through the proxy: rewrite the address it was enrolled with.
            Path props = lab.agentState("pi-kitchen").resolve("agent.properties");
            Files.writeString(props, Files.readString(props)
                    .replaceAll("relay=.*", "relay=127.0.0.1\\\\:" + proxy.port()));
            lab.startAgent("pi-kitchen");

            proxy.freezeExisting();
            Instant frozen = Instant.now();
            lab.awaitStatus("pi-kitchen", "offline", Duration.ofSeconds(30));
            assertThat(Duration.between(frozen, Instant.now())).isLessThanOrEqualTo(Duration.ofSeconds(30));

            lab.awaitOnline("pi-kitchen", Duration.ofSeconds(45));
            lab.refreshKnownHosts();
            assertThat(lab.ssh("admin", "pi-kitchen", "echo alive", null, Duration.ofSeconds(30)).out())
                    .isEqualTo("alive\n");
        }
    }
}

package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/** Processes die; the system comes back without anyone touching it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class RecoveryTest {

    Lab lab;
    Proc agent;

    @BeforeAll
    void start() throws Exception {
        lab = new Lab(Lab.workDir(getClass()));
        agent = lab.addDevice("pi-kitchen");
        lab.console("admin", "user add alice '" + lab.pub("alice").strip() + "'");
        lab.console("admin", "grant alice pi-kitchen");
    }

    @AfterAll
    void stop() throws Exception {
        lab.close();
    }

    @Test
    @Order(1)
    void relayKilledAndRestartedBringsTheAgentBackWithStateIntact() throws Exception {
        lab.relay().kill();
        lab.startRelay();
        // The agent reconnects on its own; alice's key and grant and the device's key survived the crash.
        lab.awaitOnline("pi-kitchen", Duration.ofSeconds(40));
        Ssh.Result r = lab.ssh("alice", "pi-kitchen", "echo back", null, Duration.ofSeconds(30));
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("back\n");
    }

    @Test
    @Order(2)
    void killedAgentShowsOfflineWithinFiveSeconds() throws Exception {
        agent.kill();
        lab.awaitStatus("pi-kitchen", "offline", Duration.ofSeconds(5));
        Ssh.Result r = lab.ssh("admin", "pi-kitchen", "true", null, Duration.ofSeconds(30));
        assertThat(r.err()).contains("device pi-kitchen is offline, last seen");
    }

    @Test
    @Order(3)
    void restartedAgentServesAgain() throws Exception {
        agent = lab.startAgent("pi-kitchen");
        assertThat(lab.ssh("admin", "pi-kitchen", "echo again", null, Duration.ofSeconds(30)).out())
                .isEqualTo("again\n");
    }
}

package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.time.LocalTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A network partition between device and relay: the agent and its sshd in a namespace of their own ({@link Netns}),
 * the relay's link port on this side of the veth pair. {@code iptables -j DROP} inside the namespace silences the
 * path both ways (no RST, no FIN reaches anyone), as a dead uplink does; deleting the rules heals it.
 *
 * <p>The keepalive bound: each end pings every 10 s and closes a link after 25 s without a byte, so both ends
 * must give the link up within 25 s of the partition (asserted with 5 s for a busy machine), and the agent must
 * be linked again a few seconds after the path heals.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PartitionTest {

    private static final int NS_SSHD_PORT = 2222;
    private static final Duration DEAD_BOUND = Duration.ofSeconds(30);
    private static final Duration HEAL_BOUND = Duration.ofSeconds(10);

    Netns ns;
    Lab lab;
    Proc agent;
    boolean partitioned;

    @BeforeAll
    void start() throws Exception {
        ns = Netns.create(1);
        assumeTrue(ns.exec("iptables", "-S").exit() == 0, "iptables is not installed (run-tests installs it as root)");
        lab = Lab.linkingOn(Lab.workDir(getClass()), ns.hostAddress);
        ns.startSshd(lab, NS_SSHD_PORT);
        Proc enrolled = ns.jumpgate(
                lab,
                "enroll-pi-far",
                "agent",
                "enroll",
                "--token-file",
                lab.secretFile(lab.token("pi-far")).toString(),
                "--state",
                lab.agentState("pi-far").toString());
        assertThat(enrolled.awaitExit(Lab.START)).as(enrolled.stderr()).isZero();
        agent = ns.jumpgate(
                lab,
                "agent-pi-far",
                "agent",
                "run",
                "--state",
                lab.agentState("pi-far").toString(),
                "--target",
                "127.0.0.1:" + NS_SSHD_PORT);
        lab.awaitOnline("pi-far", Lab.START);
        lab.refreshKnownHosts();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (partitioned) {
                partition("-D");
            }
            if (lab != null) {
                lab.close();
            }
        } finally {
            if (ns != null) {
                ns.close(); // takes any rule left inside with it
            }
        }
    }

    /** {@code -A} adds the DROP rules (both directions, the relay's side of the veth only), {@code -D} deletes them. */
    private void partition(String op) throws Exception {
        ns.run("iptables", op, "OUTPUT", "-d", ns.hostAddress, "-j", "DROP");
        ns.run("iptables", op, "INPUT", "-s", ns.hostAddress, "-j", "DROP");
    }

    @Test
    void aPartitionIsNoticedByBothEndsWithinTheKeepaliveBoundAndTheLinkReturnsSoonAfterItHeals() throws Exception {
        assertThat(agent.stderr()).contains("over tls to " + ns.hostAddress + ":" + lab.linkPort);
        Transfers.commandsRun(lab, "pi-far");

        LocalTime cut = LocalTime.now();
        partition("-A");
        partitioned = true;
        Duration relaySaw = Duration.between(
                cut, lab.relay().awaitLogSince("device pi-far offline", cut, DEAD_BOUND.plusSeconds(10)));
        Duration agentSaw =
                Duration.between(cut, agent.awaitLogSince("nothing received for", cut, DEAD_BOUND.plusSeconds(10)));
        lab.awaitStatus("pi-far", "offline", Duration.ofSeconds(10));
        Ssh.Result refused = lab.ssh("admin", "pi-far", "true", null, Duration.ofSeconds(30));
        assertThat(refused.err()).contains("device pi-far is offline");

        // Heal once the agent's dial into the dead path has timed out and it probes the relay's port.
        agent.awaitLogSince(
                "or as soon as " + ns.hostAddress.replace(".", "\\.") + ":" + lab.linkPort + " accepts",
                cut,
                Duration.ofSeconds(30));
        LocalTime healed = LocalTime.now();
        partition("-D");
        partitioned = false;
        Duration back = Duration.between(
                healed, lab.relay().awaitLogSince("device pi-far online", healed, HEAL_BOUND.plusSeconds(20)));
        System.out.printf(
                "partition: relay dropped the link after %d ms, agent after %d ms; linked again %d ms "
                        + "after the path healed%n",
                relaySaw.toMillis(), agentSaw.toMillis(), back.toMillis());
        assertThat(relaySaw).as("relay notices the partition").isLessThanOrEqualTo(DEAD_BOUND);
        assertThat(agentSaw).as("agent notices the partition").isLessThanOrEqualTo(DEAD_BOUND);
        assertThat(back).as("link back after healing").isLessThanOrEqualTo(HEAL_BOUND);

        lab.awaitOnline("pi-far", Duration.ofSeconds(10));
        Transfers.commandsRun(lab, "pi-far");
    }
}

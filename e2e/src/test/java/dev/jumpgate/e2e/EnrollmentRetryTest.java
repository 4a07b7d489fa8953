package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.EnrollmentToken;
import dev.jumpgate.protocol.HostPort;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An enrollment whose Welcome was lost: the relay has bound the device to the agent's key and spent the token, but
 * the agent never heard so and stored nothing. Running {@code agent enroll} again must finish it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EnrollmentRetryTest {

    @Test
    void agentWhoseWelcomeWasLostEnrollsAgainWithTheSameTokenAndState() throws Exception {
        try (Lab lab = new Lab(Lab.workDir(getClass()));
                WelcomeLosingProxy proxy = new WelcomeLosingProxy(lab.linkPort)) {
            // The agent dials the address its token names: name the proxy instead.
            EnrollmentToken issued = EnrollmentToken.parse(lab.token("pi-porch"));
            String token = new EnrollmentToken(
                            new HostPort("127.0.0.1", proxy.port()),
                            issued.relayPin(),
                            issued.device(),
                            issued.expires(),
                            issued.secret())
                    .encode();
            lab.tokens.add(token);
            // TLS alone: with every transport, the next route would finish the enrollment within the same run.
            String[] enroll = {
                "agent", "enroll", "--state", lab.agentState("pi-porch").toString(), "--transport", "tls"
            };

            Proc lost = lab.adopt(Proc.jumpgate(lab.dir.resolve("logs"), "enroll-lost", lab.secretFile(token), enroll));
            lab.relay().awaitLog("device pi-porch enrolled from", Lab.START);
            proxy.cut();
            assertThat(lost.awaitExit(Lab.START))
                    .as("the first attempt never saw its Welcome")
                    .isNotZero();
            assertThat(lost.stderr()).contains("run `agent enroll` again with the same token and --state");
            assertThat(lab.agentState("pi-porch").resolve("agent.properties")).doesNotExist();

            Proc again =
                    lab.adopt(Proc.jumpgate(lab.dir.resolve("logs"), "enroll-again", lab.secretFile(token), enroll));
            assertThat(again.awaitExit(Lab.START))
                    .as("enroll again: %s", again.stderr())
                    .isZero();
            lab.startAgent("pi-porch");
            lab.refreshKnownHosts();
            assertThat(lab.ssh("admin", "pi-porch", "echo reached", null, Duration.ofSeconds(30))
                            .out())
                    .isEqualTo("reached\n");
            assertThat(Files.readString(lab.agentState("pi-porch").resolve("agent.properties")))
                    .contains("device=pi-porch");
        }
    }
}

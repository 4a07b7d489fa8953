package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's first command: one command, then the ssh line it prints works as printed. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class QuickstartTest {

    @Test
    void printedSshCommandReachesTheDemoDevice() throws Exception {
        quickstartWorks(Lab.workDir(getClass()).resolve("sshd"), "a private OpenSSH sshd");
    }

    /** What a machine without OpenSSH's sshd gets: the agent serves the demo device's SSH itself. */
    @Test
    void printedSshCommandReachesTheDemoDeviceServedByTheEmbeddedServer() throws Exception {
        quickstartWorks(Lab.workDir(getClass()).resolve("embedded"), "the agent's embedded SSH server", "--embedded");
    }

    /**
     * Port 0 for both relay ports: the relay binds whatever port is free and quickstart prints the ports it got,
     * and the ssh_config it writes names them. A port probed here and bound there could be taken in between.
     */
    private void quickstartWorks(Path dir, String server, String... extra) throws Exception {
        List<String> args = new ArrayList<>(
                List.of("quickstart", "--dir", dir.resolve("state").toString(), "--ssh-port", "0", "--link-port", "0"));
        args.addAll(List.of(extra));
        try (Proc qs = Proc.jumpgate(dir.resolve("logs"), "quickstart", args.toArray(String[]::new))) {
            Matcher m = qs.awaitOutput("ssh -F (\\S+) demo uname -a", Duration.ofSeconds(60));
            assertThat(qs.stdout())
                    .containsPattern(
                            "relay  SSH bastion 127\\.0\\.0\\.1:[1-9]\\d*, agent endpoint 127\\.0\\.0\\.1:[1-9]\\d* ");
            assertThat(qs.stdout()).contains("device demo, " + server + " on 127.0.0.1:");
            Ssh.Result r =
                    Ssh.run(List.of("ssh", "-F", m.group(1), "demo", "uname", "-a"), null, Duration.ofSeconds(30));
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("Linux");

            Ssh.Result devices =
                    Ssh.run(List.of("ssh", "-F", m.group(1), "jumpgate-relay"), null, Duration.ofSeconds(30));
            assertThat(devices.out()).containsPattern("demo\\s+online");
        }
    }
}

package dev.jumpgate.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.transport.tls.TlsIdentity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentStateTest {

    @TempDir
    Path tmp;

    private static AgentState state() {
        return new AgentState(
                new DeviceName("pi-kitchen"),
                new HostPort("relay.example.com", 443),
                Fingerprint.of("relay".getBytes(StandardCharsets.UTF_8)),
                TlsIdentity.generate("test"));
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void theStateDirectoryAndEveryFileInItAreTheAgentsAlone() throws Exception {
        Path dir = tmp.resolve("state");
        state().save(dir);

        assertThat(mode(dir)).isEqualTo("rwx------");
        for (String name : new String[] {"agent.properties", "agent.key", "agent.crt"}) {
            assertThat(mode(dir.resolve(name))).as(name).isEqualTo("rw-------");
        }
        assertThat(AgentState.load(dir).device()).isEqualTo(new DeviceName("pi-kitchen"));
    }

    @Test
    void aStateFileOthersCanReadIsRefusedWithTheChmodThatFixesIt() throws Exception {
        Path dir = tmp.resolve("state");
        state().save(dir);
        Path props = dir.resolve("agent.properties");
        Files.setPosixFilePermissions(props, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> AgentState.load(dir))
                .hasMessage(props + " is readable by others (mode 0644); run chmod 600 " + props);
    }
}

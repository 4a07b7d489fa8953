package dev.jumpgate.client.mux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.client.ClientConfig;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.HostPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MuxStarterTest {

    private static final ClientConfig LOGIN = new ClientConfig("alice", "relay.example.com:2222",
            HostPort.parse("relay.example.com:443"), Fingerprint.of(new byte[] {1, 2, 3}), Optional.empty());

    @TempDir
    Path tmp;

    private Map<String, String> env;
    private Path starts;
    /** Stands in for the jumpgate command line: counts its starts and fails as a mux that cannot log in does. */
    private List<String> failingMux;

    @BeforeEach
    void setUp() {
        env = Map.of("XDG_RUNTIME_DIR", tmp.toString());
        starts = tmp.resolve("starts");
        failingMux = List.of("/bin/sh", "-c", "echo started >> '" + starts + "'; exit 3", "sh");
    }

    private long startCount() throws IOException {
        return Files.exists(starts) ? Files.readAllLines(starts).size() : 0;
    }

    @Test
    void aMuxThatFailedToStartIsNotStartedAgainByEveryProxy() throws Exception {
        assertThat(MuxStarter.dial(LOGIN, env, failingMux)).isEmpty();
        assertThat(startCount()).isEqualTo(1);
        MuxSocket where = MuxSocket.current(LOGIN, env).orElseThrow();
        assertThat(MuxStarter.retryAt(where)).isPresent();

        for (int i = 0; i < 3; i++) {
            assertThat(MuxStarter.dial(LOGIN, env, failingMux)).isEmpty();
        }
        assertThat(startCount()).as("starts while the failure is recent").isEqualTo(1);
    }

    @Test
    void afterTheRetryPeriodTheNextProxyTriesAgain() throws Exception {
        assertThat(MuxStarter.dial(LOGIN, env, failingMux)).isEmpty();
        MuxSocket where = MuxSocket.current(LOGIN, env).orElseThrow();
        Files.setLastModifiedTime(where.failed(),
                FileTime.from(Instant.now().minus(MuxStarter.RETRY_AFTER).minusSeconds(1)));
        assertThat(MuxStarter.retryAt(where)).isEmpty();

        assertThat(MuxStarter.dial(LOGIN, env, failingMux)).isEmpty();
        assertThat(startCount()).isEqualTo(2);
    }
}

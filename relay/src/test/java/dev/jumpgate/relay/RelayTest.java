package dev.jumpgate.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jumpgate.protocol.HostPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A relay refuses to start on a data directory whose secrets others could read, before it opens any port. */
class RelayTest {

    @TempDir
    Path tmp;

    private static Relay.Config config(Path data) {
        HostPort any = new HostPort("127.0.0.1", 0);
        return new Relay.Config(data, any, any, Optional.empty(), Optional.empty());
    }

    @Test
    void aDataDirectoryOthersCanReadIsRefusedAtStart() throws Exception {
        Path data = Files.createDirectory(tmp.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThatThrownBy(() -> Relay.start(config(data)))
                .hasMessage(data + " is readable by others (mode 0755); run chmod 700 " + data);
        assertThat(data.resolve("state.db")).doesNotExist();
    }

    @Test
    void aStateDatabaseOthersCanReadIsRefusedAtStart() throws Exception {
        Path data = Files.createDirectory(tmp.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        Path db = Files.writeString(data.resolve("state.db"), "");
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> Relay.start(config(data)))
                .hasMessage(db + " is readable by others (mode 0644); run chmod 600 " + db);
    }
}

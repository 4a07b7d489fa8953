package dev.jumpgate.relay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.Fingerprint;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreDevicesTest extends FreshStore {

    static final DeviceName PI = new DeviceName("pi-kitchen");
    static final Fingerprint KEY_A = Fingerprint.of("agent a".getBytes(StandardCharsets.UTF_8));
    static final Fingerprint KEY_B = Fingerprint.of("agent b".getBytes(StandardCharsets.UTF_8));

    @Test
    void enrolledDeviceIsPinnedToItsKeyAndNotYetSeen() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        store.enrollDevice(PI, KEY_A);

        Device d = store.device(PI).orElseThrow();
        assertThat(d.name()).isEqualTo(PI);
        assertThat(d.agentKey()).isEqualTo(KEY_A);
        assertThat(d.enrolledAt()).isBetween(before, Instant.now());
        assertThat(d.lastSeen()).isNull();
        assertThat(d.hostKeys()).isEmpty();
        assertThat(store.device(new DeviceName("pi-garage"))).isEmpty();
    }

    @Test
    void devicesAreListedByName() {
        store.enrollDevice(new DeviceName("zeta"), KEY_A);
        store.enrollDevice(new DeviceName("alpha"), KEY_B);
        store.enrollDevice(new DeviceName("mid-1"), KEY_A);

        assertThat(store.devices()).extracting(d -> d.name().value()).containsExactly("alpha", "mid-1", "zeta");
    }

    @Test
    void enrolledNameIsNotEnrolledAgain() {
        store.enrollDevice(PI, KEY_A);

        assertThatThrownBy(() -> store.enrollDevice(PI, KEY_B))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("device 'pi-kitchen' is already enrolled");
        assertThat(store.device(PI).orElseThrow().agentKey()).isEqualTo(KEY_A);
    }

    @Test
    void hostKeysAreReplacedInOrderWithoutComments() {
        store.enrollDevice(PI, KEY_A);
        store.setHostKeys(PI, List.of(TestKeys.line("ssh-rsa", 1, "root@pi"), TestKeys.line("ssh-ed25519", 2, null)));
        store.setHostKeys(
                PI, List.of(TestKeys.line("ssh-ed25519", 3, "root@pi"), TestKeys.line("ecdsa-sha2-nistp256", 4, null)));

        assertThat(store.device(PI).orElseThrow().hostKeys())
                .containsExactly(TestKeys.line("ssh-ed25519", 3, null), TestKeys.line("ecdsa-sha2-nistp256", 4, null));

        store.setHostKeys(PI, List.of());
        assertThat(store.device(PI).orElseThrow().hostKeys()).isEmpty();
    }

    @Test
    void badHostKeyLeavesThePreviousSet() {
        store.enrollDevice(PI, KEY_A);
        store.setHostKeys(PI, List.of(TestKeys.line("ssh-ed25519", 1, null)));

        assertThatThrownBy(() -> store.setHostKeys(
                        PI, List.of(TestKeys.line("ssh-ed25519", 2, null), "ssh-ed25519 AAAA\nssh-rsa AAAA")))
                .isInstanceOf(StoreException.class);

        assertThat(store.device(PI).orElseThrow().hostKeys()).containsExactly(TestKeys.line("ssh-ed25519", 1, null));
    }

    @Test
    void hostKeysOfUnknownDeviceAreRefused() {
        assertThatThrownBy(() -> store.setHostKeys(PI, List.of(TestKeys.line("ssh-ed25519", 1, null))))
                .isInstanceOf(StoreException.class)
                .hasMessage("no device 'pi-kitchen' is enrolled");
    }

    @Test
    void touchRecordsLastSeenToTheMillisecond() {
        store.enrollDevice(PI, KEY_A);
        Instant seen = Instant.parse("2031-02-03T04:05:06.789Z");

        store.touch(PI, seen);

        assertThat(store.device(PI).orElseThrow().lastSeen()).isEqualTo(seen);
    }

    @Test
    void touchOfRemovedDeviceIsIgnored() {
        store.touch(PI, Instant.now());

        assertThat(store.device(PI)).isEmpty();
    }

    @Test
    void removedDeviceTakesItsHostKeysAndCanBeEnrolledAgain() {
        store.enrollDevice(PI, KEY_A);
        store.setHostKeys(PI, List.of(TestKeys.line("ssh-ed25519", 1, null)));

        store.removeDevice(PI);
        assertThat(store.device(PI)).isEmpty();

        store.enrollDevice(PI, KEY_B);
        Device again = store.device(PI).orElseThrow();
        assertThat(again.agentKey()).isEqualTo(KEY_B);
        assertThat(again.hostKeys()).isEmpty();
    }

    @Test
    void removingUnknownDeviceIsRefused() {
        assertThatThrownBy(() -> store.removeDevice(PI))
                .isInstanceOf(StoreException.class)
                .hasMessage("no device 'pi-kitchen' is enrolled");
    }
}

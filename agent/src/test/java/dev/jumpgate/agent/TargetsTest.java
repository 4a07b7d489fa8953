package dev.jumpgate.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.HostPort;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TargetsTest {

    private static final DeviceName PI = new DeviceName("pi-kitchen");
    private static final HostPort SSH = new HostPort("127.0.0.1", 2222);

    private static Targets targets(String... allowed) {
        return new Targets(PI, SSH, Arrays.stream(allowed).map(HostPort::parse).toList());
    }

    private static Optional<HostPort> resolve(Targets t, String requested) {
        return t.resolve(HostPort.parse(requested));
    }

    @Test
    void deviceColon22IsTheSshTargetWhereverItIs() {
        assertThat(resolve(targets(), "pi-kitchen:22")).contains(SSH);
        assertThat(resolve(targets(), "PI-Kitchen:22"))
                .as("host names are case-insensitive")
                .contains(SSH);
        Targets remoteSsh = new Targets(PI, HostPort.parse("10.0.0.5:22"), List.of());
        assertThat(remoteSsh.resolve(HostPort.parse("pi-kitchen:22"))).contains(HostPort.parse("10.0.0.5:22"));
    }

    @Test
    void theSshTargetItselfMayBeNamed() {
        assertThat(resolve(targets(), "127.0.0.1:2222")).contains(SSH);
        assertThat(resolve(targets(), "pi-kitchen:2222"))
                .as("the device's own port 2222 is the ssh target")
                .contains(SSH);
    }

    @Test
    void otherPortsOfTheDeviceAreRefusedUnlessAllowed() {
        assertThat(resolve(targets(), "pi-kitchen:8080")).isEmpty();
        assertThat(resolve(targets(), "pi-kitchen:23")).isEmpty();
        assertThat(resolve(targets("127.0.0.1:9090"), "pi-kitchen:8080")).isEmpty();
    }

    @Test
    void deviceColonPortMapsToLoopbackWhenThatPortIsAllowed() {
        assertThat(resolve(targets("127.0.0.1:8080"), "pi-kitchen:8080")).contains(new HostPort("127.0.0.1", 8080));
        assertThat(resolve(targets("localhost:8080"), "pi-kitchen:8080")).contains(new HostPort("localhost", 8080));
        assertThat(resolve(targets("[::1]:8080"), "pi-kitchen:8080")).contains(new HostPort("::1", 8080));
    }

    @Test
    void anAllowedLanHostDoesNotOpenTheSamePortOnTheDevice() {
        assertThat(resolve(targets("192.168.1.20:8080"), "pi-kitchen:8080")).isEmpty();
    }

    @Test
    void otherHostsAreRefusedUnlessAllowedExactly() {
        assertThat(resolve(targets(), "192.168.1.20:22")).isEmpty();
        assertThat(resolve(targets(), "localhost:22")).isEmpty();
        assertThat(resolve(targets(), "127.0.0.1:22")).isEmpty();
        assertThat(resolve(targets(), "example.com:443")).isEmpty();
        Targets lan = targets("192.168.1.20:80");
        assertThat(lan.resolve(HostPort.parse("192.168.1.20:80"))).contains(HostPort.parse("192.168.1.20:80"));
        assertThat(lan.resolve(HostPort.parse("192.168.1.20:81"))).isEmpty();
        assertThat(lan.resolve(HostPort.parse("192.168.1.21:80"))).isEmpty();
    }

    @Test
    void anotherDevicesNameIsJustAnotherHost() {
        assertThat(resolve(targets(), "pi-garage:22")).isEmpty();
    }

    @Test
    void describeAllowedListsSshAndEveryAllowedTarget() {
        assertThat(targets("127.0.0.1:8080", "[::1]:9090").describeAllowed())
                .isEqualTo("pi-kitchen:22 (ssh), 127.0.0.1:8080, [::1]:9090");
    }

    @Test
    void allowedListIsCopied() {
        ArrayList<HostPort> list = new ArrayList<>(List.of(HostPort.parse("127.0.0.1:1")));
        Targets t = new Targets(PI, SSH, list);
        list.add(HostPort.parse("127.0.0.1:2"));
        assertThat(t.allowed()).hasSize(1);
    }
}

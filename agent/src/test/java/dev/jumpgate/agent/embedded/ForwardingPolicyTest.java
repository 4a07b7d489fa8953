package dev.jumpgate.agent.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.HostPort;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardingPolicyTest {

    private static ForwardingPolicy policy(List<String> connect, List<String> listen) {
        return new ForwardingPolicy(
                connect.stream().map(HostPort::parse).toList(),
                listen.stream().map(HostPort::parse).toList());
    }

    @Test
    void nothingIsForwardedByDefault() {
        ForwardingPolicy none = ForwardingPolicy.none();
        assertThat(none.mayConnect("127.0.0.1", 22)).isFalse();
        assertThat(none.mayConnect("localhost", 80)).isFalse();
        assertThat(none.mayListen("localhost", 8080)).isFalse();
    }

    @Test
    void localForwardReachesOnlyAllowedEndpoints() {
        ForwardingPolicy p = policy(List.of("127.0.0.1:5432", "10.0.0.7:80"), List.of());
        assertThat(p.mayConnect("127.0.0.1", 5432)).isTrue();
        assertThat(p.mayConnect("10.0.0.7", 80)).isTrue();
        assertThat(p.mayConnect("127.0.0.1", 5433)).as("another port").isFalse();
        assertThat(p.mayConnect("10.0.0.8", 80)).as("another host").isFalse();
        assertThat(p.mayConnect("10.0.0.7", 0)).isFalse();
    }

    @Test
    void loopbackNamesAreOneHost() {
        ForwardingPolicy p = policy(List.of("localhost:5432"), List.of("127.0.0.1:8080"));
        assertThat(p.mayConnect("127.0.0.1", 5432)).isTrue();
        assertThat(p.mayConnect("::1", 5432)).isTrue();
        assertThat(p.mayConnect("[::1]", 5432)).isTrue();
        assertThat(p.mayConnect("LOCALHOST", 5432)).isTrue();
        assertThat(p.mayListen("localhost", 8080))
                .as("what ssh -R 8080:... asks for")
                .isTrue();
    }

    @Test
    void remoteForwardListensOnlyWhereAllowedAndNeverOnEveryInterfaceUnlessSaid() {
        ForwardingPolicy p = policy(List.of(), List.of("127.0.0.1:8080"));
        assertThat(p.mayListen("127.0.0.1", 8080)).isTrue();
        assertThat(p.mayListen("", 8080))
                .as("ssh -R :8080: means every interface")
                .isFalse();
        assertThat(p.mayListen("0.0.0.0", 8080)).isFalse();
        assertThat(p.mayListen("127.0.0.1", 0))
                .as("a port of the server's choosing")
                .isFalse();
        assertThat(p.mayListen("127.0.0.1", 8081)).isFalse();
        assertThat(p.mayConnect("127.0.0.1", 8080))
                .as("listening does not allow connecting")
                .isFalse();

        ForwardingPolicy everywhere = policy(List.of(), List.of("0.0.0.0:8080"));
        assertThat(everywhere.mayListen("", 8080)).isTrue();
        assertThat(everywhere.mayListen("*", 8080)).isTrue();
        assertThat(everywhere.mayListen("localhost", 8080)).isFalse();
    }
}

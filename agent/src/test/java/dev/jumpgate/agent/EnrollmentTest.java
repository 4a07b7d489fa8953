package dev.jumpgate.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.EnrollmentToken;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.transport.tls.TlsIdentity;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay spends a token when it admits the agent, so whatever would keep the state from being saved fails first. */
class EnrollmentTest {

    @TempDir
    Path tmp;

    ServerSocket relay;
    final AtomicInteger dialled = new AtomicInteger();
    EventLoopGroup group;
    String token;

    @BeforeEach
    void relay() throws Exception {
        relay = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!relay.isClosed()) {
                try (Socket s = relay.accept()) {
                    dialled.incrementAndGet();
                } catch (Exception closed) {
                    return;
                }
            }
        });
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        token = EnrollmentToken.issue(
                        new HostPort("127.0.0.1", relay.getLocalPort()),
                        Fingerprint.of(new byte[] {1}),
                        new DeviceName("pi-kitchen"),
                        Instant.now().plusSeconds(600))
                .encode();
    }

    @AfterEach
    void close() throws Exception {
        relay.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void aStateDirectoryThatCannotBeMadeFailsBeforeTheTokenIsPresented() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "");
        Path state = file.resolve("state");

        assertThatThrownBy(() -> Enrollment.enroll(group, token, state))
                .hasMessageStartingWith("cannot create the state directory " + state)
                .hasMessageEndingWith("the token was not used");
        assertThat(dialled).hasValue(0);
    }

    @Test
    void aStateDirectoryOthersCanReadFailsBeforeTheTokenIsPresented() throws Exception {
        Path state = Files.createDirectory(tmp.resolve("state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThatThrownBy(() -> Enrollment.enroll(group, token, state))
                .hasMessage(state + " is readable by others (mode 0755); run chmod 700 " + state);
        assertThat(dialled).hasValue(0);
    }

    @Test
    void anEnrollmentThatFailsLeavesItsKeyForTheNextAttemptAndOnlyItsOwnerMayReadIt() throws Exception {
        Path state = tmp.resolve("state");

        assertThatThrownBy(() -> Enrollment.enroll(group, token, state))
                .hasMessageContaining("run `agent enroll` again with the same token and --state " + state);
        Path key = state.resolve("agent.key");
        Fingerprint first = TlsIdentity.load(key, state.resolve("agent.crt")).fingerprint();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state)))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");

        assertThatThrownBy(() -> Enrollment.enroll(group, token, state)).isInstanceOf(IOException.class);
        assertThat(dialled).hasValueGreaterThanOrEqualTo(2);
        assertThat(TlsIdentity.load(key, state.resolve("agent.crt")).fingerprint())
                .isEqualTo(first);
        assertThat(AgentState.exists(state)).isFalse();
    }

    @Test
    void aKeptKeyThatCannotBeReadIsRefusedBeforeTheTokenIsPresented() throws Exception {
        Path state = tmp.resolve("state");
        Files.createDirectory(
                state, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        for (String name : new String[] {"agent.key", "agent.crt"}) {
            Files.createFile(
                    state.resolve(name),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }

        assertThatThrownBy(() -> Enrollment.enroll(group, token, state))
                .hasMessageStartingWith("cannot read the key an earlier `agent enroll` left in " + state)
                .hasMessageContaining("Delete " + state + " and enroll again");
        assertThat(dialled).hasValue(0);
    }
}

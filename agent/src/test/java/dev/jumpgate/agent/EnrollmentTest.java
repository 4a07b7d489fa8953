package dev.jumpgate.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.EnrollmentToken;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.HostPort;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
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
        token = EnrollmentToken.issue(new HostPort("127.0.0.1", relay.getLocalPort()), Fingerprint.of(new byte[] {1}),
                new DeviceName("pi-kitchen"), Instant.now().plusSeconds(600)).encode();
    }

    @AfterEach
    void close() throws Exception {
        relay.close();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
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
}

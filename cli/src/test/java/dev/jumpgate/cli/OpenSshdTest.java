package dev.jumpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenSshdTest {

    @TempDir
    Path tmp;

    /** Took the port sshd was given, and answers connections as a web server would. */
    private ServerSocket squatter;

    @BeforeEach
    void squat() throws IOException {
        squatter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!squatter.isClosed()) {
                try (Socket s = squatter.accept()) {
                    s.getOutputStream().write("HTTP/1.0 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // closed at the end of the test
                }
            }
        });
    }

    @AfterEach
    void leave() throws IOException {
        squatter.close();
    }

    @Test
    void aPortTakenAfterItWasChosenIsGivenUpForAnother() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        Iterator<Integer> ports = List.of(squatter.getLocalPort(), free).iterator();
        try (OpenSshd sshd = OpenSshd.start(tmp, "", ports::next);
                Socket s = new Socket(sshd.address().host(), sshd.address().port())) {
            assertThat(sshd.address().port()).isEqualTo(free);
            assertThat(new String(s.getInputStream().readNBytes(8), StandardCharsets.US_ASCII))
                    .isEqualTo("SSH-2.0-");
        }
    }

    @Test
    void portsTakenEveryTimeEndInAClearError() {
        assertThatThrownBy(() -> OpenSshd.start(tmp, "", squatter::getLocalPort))
                .hasMessageContaining("sshd found its port taken " + OpenSshd.ATTEMPTS + " times")
                .hasMessageContaining(String.valueOf(squatter.getLocalPort()));
    }
}

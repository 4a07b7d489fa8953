package dev.jumpgate.cli;

import dev.jumpgate.protocol.HostPort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A private OpenSSH sshd on a loopback port, with its own host key and authorized_keys, started by the current
 * user: the demo device of {@code quickstart}, and the device's sshd in end-to-end tests. It touches nothing of
 * the machine's own sshd configuration.
 */
public final class OpenSshd implements AutoCloseable {

    private static final List<String> SSHD = List.of("/usr/sbin/sshd", "/usr/local/sbin/sshd");

    private final Process process;
    private final HostPort address;

    private OpenSshd(Process process, HostPort address) {
        this.process = process;
        this.address = address;
    }

    /** Whether OpenSSH's sshd is installed where distributions put it. */
    public static boolean installed() {
        return SSHD.stream().anyMatch(p -> Files.isExecutable(Path.of(p)));
    }

    public static OpenSshd start(Path dir, String authorizedKeys) throws IOException, InterruptedException {
        String sshd = SSHD.stream()
                .filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst()
                .orElseThrow(() -> new IOException("no OpenSSH sshd found (looked at " + SSHD
                        + "); install it: apt-get install " + "openssh-server"));
        Files.createDirectories(dir);
        Path hostKey = dir.resolve("ssh_host_ed25519_key");
        if (!Files.exists(hostKey)) {
            Tools.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString()));
        }
        Files.writeString(dir.resolve("authorized_keys"), authorizedKeys);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("sshd_config");
        Files.writeString(
                config, """
                Port %d
                ListenAddress 127.0.0.1
                HostKey %s
                PidFile %s
                AuthorizedKeysFile %s
                PubkeyAuthentication yes
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                UsePAM no
                StrictModes no
                PermitRootLogin prohibit-password
                AllowTcpForwarding yes
                Subsystem sftp internal-sftp
                MaxStartups 100
                LogLevel ERROR
                """.formatted(port, hostKey, dir.resolve("sshd.pid"), dir.resolve("authorized_keys")));
        // sshd refuses to start as root without its privilege separation directory, which only the service
        // unit creates; make it when we can.
        try {
            Files.createDirectories(Path.of("/run/sshd"));
        } catch (IOException e) {
            // not root: sshd does not need it then
        }
        Process p = new ProcessBuilder(sshd, "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("sshd.log").toFile())
                .start();
        HostPort address = new HostPort("127.0.0.1", port);
        Instant end = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(end)) {
            if (!p.isAlive()) {
                throw new IOException("sshd exited at once: "
                        + Files.readString(dir.resolve("sshd.log")).strip());
            }
            try (Socket s = new Socket(address.host(), port)) {
                return new OpenSshd(p, address);
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IOException("sshd did not start listening on " + address + " within 10 s");
    }

    public HostPort address() {
        return address;
    }

    @Override
    public void close() {
        process.destroy();
    }
}

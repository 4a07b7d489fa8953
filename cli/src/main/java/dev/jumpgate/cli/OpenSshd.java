package dev.jumpgate.cli;

import dev.jumpgate.protocol.HostPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * A private OpenSSH sshd on a loopback port, with its own host key and authorized_keys, started by the current
 * user: the demo device of {@code quickstart}, and the device's sshd in end-to-end tests. It touches nothing of
 * the machine's own sshd configuration.
 */
public final class OpenSshd implements AutoCloseable {

    private static final List<String> SSHD = List.of("/usr/sbin/sshd", "/usr/local/sbin/sshd");
    static final int ATTEMPTS = 3;
    private static final String OPENSSH_BANNER = "SSH-2.0-OpenSSH";

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
        return start(dir, authorizedKeys, OpenSshd::freePort);
    }

    /**
     * {@link #start(Path, String)} on the ports {@code ports} gives, one per attempt. A port is free when it is
     * chosen and taken by sshd only later, so another process may bind it in between: sshd then exits with
     * "Address already in use" and the next attempt takes another port, {@link #ATTEMPTS} at most.
     */
    static OpenSshd start(Path dir, String authorizedKeys, IntSupplier ports) throws IOException, InterruptedException {
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
        // sshd refuses to start as root without its privilege separation directory, which only the service
        // unit creates; make it when we can.
        try {
            Files.createDirectories(Path.of("/run/sshd"));
        } catch (IOException e) {
            // not root: sshd does not need it then
        }
        for (int attempt = 1; ; attempt++) {
            int port = ports.getAsInt();
            try {
                return launch(sshd, dir, hostKey, port);
            } catch (PortTaken e) {
                if (attempt == ATTEMPTS) {
                    throw new IOException("sshd found its port taken " + ATTEMPTS + " times (last " + port
                            + "): something on this machine binds loopback ports as fast as they are freed");
                }
            }
        }
    }

    private static OpenSshd launch(String sshd, Path dir, Path hostKey, int port)
            throws IOException, InterruptedException {
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
        Path log = dir.resolve("sshd.log");
        Process p = new ProcessBuilder(sshd, "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        HostPort address = new HostPort("127.0.0.1", port);
        Instant end = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(end)) {
            if (!p.isAlive()) {
                String said = Files.readString(log).strip();
                if (said.contains("Address already in use")) {
                    throw new PortTaken();
                }
                throw new IOException("sshd exited at once: " + said);
            }
            // Only sshd's own banner counts: whatever took the port in its place also accepts connections.
            if (answersAsOpenSsh(address)) {
                return new OpenSshd(p, address);
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new IOException("sshd did not start listening on " + address + " within 10 s");
    }

    private static boolean answersAsOpenSsh(HostPort address) {
        try (Socket s = new Socket(address.host(), address.port())) {
            s.setSoTimeout(2000);
            byte[] banner = s.getInputStream().readNBytes(OPENSSH_BANNER.length());
            return new String(banner, StandardCharsets.US_ASCII).equals(OPENSSH_BANNER);
        } catch (IOException notYet) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** sshd could not bind its port: another process took it after it was chosen. */
    private static final class PortTaken extends IOException {}

    public HostPort address() {
        return address;
    }

    @Override
    public void close() {
        process.destroy();
    }
}

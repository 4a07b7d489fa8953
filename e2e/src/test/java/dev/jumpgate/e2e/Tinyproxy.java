package dev.jumpgate.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * A real HTTP proxy (Debian's tinyproxy) started by the test with a generated configuration, listening on one
 * address of this machine: the kind of proxy a device's network allows out. {@link #restart()} kills it and
 * starts it again on the same port, the way an administrator restarts it mid-day.
 */
final class Tinyproxy implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/tinyproxy");

    /** Skips the test where tinyproxy is not installed. */
    static void assumeInstalled() {
        Assumptions.assumeTrue(
                Files.isExecutable(BINARY), "tinyproxy is not installed (run-tests installs it as root)");
    }

    private final Path dir;
    private final String name;
    private final String listen;
    private final int port;
    private final List<String> base;
    private Proc proc;
    private int starts;

    /**
     * @param directives tinyproxy directives beyond the address, e.g. {@code BasicAuth alice s3cret},
     *     {@code ConnectPort 443} (only that port), {@code ConnectPort 0} (no CONNECT at all)
     */
    Tinyproxy(Path dir, String name, String listen, List<String> directives) throws Exception {
        this.dir = Files.createDirectories(dir.resolve(name));
        this.name = name;
        this.listen = listen;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(listen))) {
            port = s.getLocalPort();
        }
        List<String> conf = new ArrayList<>(List.of(
                "Port " + port,
                "Listen " + listen,
                "Timeout 30", // closes idle connections after 30 s, as strict proxies do
                "MaxClients 64",
                "Allow 127.0.0.1",
                "Allow 198.18.0.0/15",
                "LogLevel Connect",
                "PidFile \"" + this.dir.resolve("tinyproxy.pid") + "\""));
        base = List.copyOf(conf);
        write(directives);
        start();
    }

    private void write(List<String> directives) throws IOException {
        List<String> conf = new ArrayList<>(base);
        conf.addAll(directives);
        Files.writeString(config(), String.join("\n", conf) + "\n");
    }

    /** Restarts the proxy with other directives: the network's policy changed. */
    void reconfigure(List<String> directives) throws Exception {
        write(directives);
        restart();
    }

    private Path config() {
        return dir.resolve("tinyproxy.conf");
    }

    private void start() throws Exception {
        proc = Proc.start(dir, name + "-" + starts++, List.of(BINARY.toString(), "-d", "-c", config().toString()));
        Awaitility.await(name + " listens on " + listen + ":" + port)
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> {
                    if (!proc.isAlive()) {
                        throw new AssertionError(name + " exited: " + proc.stderr() + proc.stdout());
                    }
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(listen, port), 1000);
                        return true;
                    }
                });
    }

    int port() {
        return port;
    }

    /** {@code http://[user:pass@]listen:port}. */
    String url(String credentials) {
        return "http://" + (credentials == null ? "" : credentials + "@") + listen + ":" + port;
    }

    /** Kills the proxy (every connection through it drops) and starts it again on the same port. */
    void restart() throws Exception {
        proc.kill();
        start();
    }

    /** What the proxy logged, every run of it. */
    String log() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < starts; i++) {
            Path out = dir.resolve(name + "-" + i + ".out");
            Path err = dir.resolve(name + "-" + i + ".err");
            s.append(Files.exists(out) ? Files.readString(out) : "")
                    .append(Files.exists(err) ? Files.readString(err) : "");
        }
        return s.toString();
    }

    @Override
    public void close() throws Exception {
        if (proc != null) {
            proc.close();
        }
    }
}

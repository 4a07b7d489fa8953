package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.cli.OpenSshd;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import org.awaitility.Awaitility;

/**
 * A whole deployment on loopback, every part a separate process: a relay, a real OpenSSH sshd as the device's
 * sshd, agents, and the real ssh/scp clients driven through an ssh_config the way a user would write it. Host
 * keys are checked strictly from the first connection: the relay's from ssh-keyscan (the test trusts the relay
 * it started), the devices' only from the relay's {@code known-hosts}.
 */
final class Lab implements AutoCloseable {

    static final Duration START = Duration.ofSeconds(30);
    /** The relay's ready line, with the ports it bound: SSH, link and, if it serves it, HTTP polling. */
    private static final String READY =
            "^jumpgate relay ready ssh=\\S*:(\\d+) link=\\S*:(\\d+) tls=\\S+(?: poll=\\S*:(\\d+))?";

    final Path dir;
    /**
     * The relay's ports. The first relay binds port 0 and says in its ready line which ports it got: probing for a
     * free port and binding it later races with every other process on the machine. A restarted relay binds
     * the same ports again, as the agents and known_hosts know them.
     */
    int sshPort;

    int linkPort;
    /** The port of {@code --poll-listen HOST:0} among the relay's arguments, once bound; 0 without it. */
    int pollPort;

    final OpenSshd sshd;
    private final Map<String, Path> keys = new LinkedHashMap<>();
    private final List<Proc> procs = new ArrayList<>();
    private Proc relay;
    /**
     * {@code XDG_RUNTIME_DIR} for this lab's clients, where their muxes listen: short, since a Unix socket's path
     * is, and the lab's own, so that {@link #close} ends the muxes its clients started.
     */
    final Path runtime;
    /** Every token this lab used, so a test can check that none reached a log. */
    final List<String> tokens = new ArrayList<>();

    /** More arguments for every relay this lab starts (e.g. {@code --poll-listen}). */
    private final List<String> relayArgs;
    /** Where the link port listens, and so what tokens tell agents to dial. */
    final String linkHost;

    /**
     * Runs relays with this command line ({@code jumpgate} and its JVM options) when set; else {@link Proc#jumpgate}.
     */
    private final List<String> relayCommand;

    Lab(Path dir, String... relayArgs) throws Exception {
        this(dir, "127.0.0.1", List.of(), List.of(relayArgs));
    }

    /**
     * A lab whose relays run as {@code relayCommand relay ...}, e.g. {@code [ROOT/jumpgate]}: the launcher with the
     * JVM options users get. An empty command runs them from the test's classpath.
     */
    Lab(Path dir, List<String> relayCommand, String... relayArgs) throws Exception {
        this(dir, "127.0.0.1", relayCommand, List.of(relayArgs));
    }

    /** A lab whose relay takes links on {@code linkHost} (a namespace's veth address), SSH still on loopback. */
    static Lab linkingOn(Path dir, String linkHost) throws Exception {
        return new Lab(dir, linkHost, List.of(), List.of());
    }

    private Lab(Path dir, String linkHost, List<String> relayCommand, List<String> relayArgs) throws Exception {
        this.dir = dir;
        this.linkHost = linkHost;
        this.relayCommand = List.copyOf(relayCommand);
        this.relayArgs = List.copyOf(relayArgs);
        this.runtime = Files.createTempDirectory(Path.of("/tmp"), "jg");
        for (String user : List.of("admin", "alice", "mallory")) {
            Path key = dir.resolve("keys").resolve(user);
            Files.createDirectories(key.getParent());
            run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", user, "-f", key.toString()));
            keys.put(user, key);
        }
        sshd = OpenSshd.start(dir.resolve("device-sshd"), pub("admin") + pub("alice") + pub("mallory"));
        startRelay();
        Files.writeString(dir.resolve("known_hosts"), "");
        trustRelay();
        writeConfig();
    }

    /**
     * A fresh directory for one test class under target/, kept after the run: the logs of every process are
     * there when something fails in CI.
     */
    static Path workDir(Class<?> testClass) throws IOException {
        Path d = Path.of("target", "e2e", testClass.getSimpleName()).toAbsolutePath();
        if (Files.exists(d)) {
            try (var all = Files.walk(d)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return Files.createDirectories(d);
    }

    /** A further key pair and {@code relay-USER} Host block, for tests that need more people than the three. */
    void addKey(String user) throws Exception {
        Path key = dir.resolve("keys").resolve(user);
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", user, "-f", key.toString()));
        keys.put(user, key);
        writeConfig();
    }

    String pub(String user) throws IOException {
        return Files.readString(Path.of(keys.get(user) + ".pub"));
    }

    Path key(String user) {
        return keys.get(user);
    }

    void startRelay() throws IOException {
        Path data = dir.resolve("relay");
        if (!Files.exists(data)) {
            Files.createDirectories(
                    data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        seedRsaHostKey(data, "ssh_host_rsa_key");
        List<String> args = new ArrayList<>(List.of(
                "relay",
                "--data",
                dir.resolve("relay").toString(),
                "--ssh-listen",
                "127.0.0.1:" + sshPort,
                "--listen",
                linkHost + ":" + linkPort,
                "--admin-key",
                keys.get("admin") + ".pub"));
        for (int i = 0; i < relayArgs.size(); i++) {
            String arg = relayArgs.get(i);
            boolean poll = i > 0 && relayArgs.get(i - 1).equals("--poll-listen");
            args.add(poll && pollPort != 0 ? arg.replaceFirst(":0$", ":" + pollPort) : arg);
        }
        if (relayCommand.isEmpty()) {
            relay = Proc.jumpgate(dir.resolve("logs"), "relay-" + procs.size(), args.toArray(String[]::new));
        } else {
            List<String> command = new ArrayList<>(relayCommand);
            command.addAll(args);
            relay = Proc.start(dir.resolve("logs"), "relay-" + procs.size(), command);
        }
        procs.add(relay);
        Matcher ready = awaitReady(relay);
        sshPort = Integer.parseInt(ready.group(1));
        linkPort = Integer.parseInt(ready.group(2));
        pollPort = ready.group(3) == null ? 0 : Integer.parseInt(ready.group(3));
    }

    Proc relay() {
        return relay;
    }

    /**
     * Waits for {@code relay}'s ready line; its groups are the ports it bound: 1 SSH, 2 link, 3 HTTP polling (null
     * without {@code --poll-listen}).
     */
    static Matcher awaitReady(Proc relay) {
        return relay.awaitOutput(READY, START);
    }

    private void trustRelay() throws Exception {
        Ssh.Result scan = Ssh.run(
                List.of("ssh-keyscan", "-p", String.valueOf(sshPort), "-t", "ecdsa", "127.0.0.1"),
                null,
                Duration.ofSeconds(10));
        String line =
                scan.out().lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow();
        Files.writeString(dir.resolve("known_hosts"), "jumpgate-relay " + line.substring(line.indexOf(' ') + 1) + "\n");
    }

    /**
     * One Host block per user for the relay ({@code relay-alice}); devices are reached with
     * {@code -J relay-USER}. Nothing here weakens host key checking.
     */
    private void writeConfig() throws IOException {
        StringBuilder s = new StringBuilder();
        for (String user : keys.keySet()) {
            s.append("""
                    Host relay-%s
                      HostName 127.0.0.1
                      Port %d
                      User %s
                      IdentityFile %s
                      HostKeyAlias jumpgate-relay
                    """.formatted(user, sshPort, user, keys.get(user)));
        }
        s.append("""
                Host *
                  IdentitiesOnly yes
                  UserKnownHostsFile %s
                  StrictHostKeyChecking yes
                  BatchMode yes
                  ConnectTimeout 15
                """.formatted(dir.resolve("known_hosts")));
        Files.writeString(config(), s.toString());
    }

    Path config() {
        return dir.resolve("ssh_config");
    }

    /**
     * Writes {@code script}: the jumpgate command as a user's PATH would hold it, its config directory
     * {@code configHome} and {@code exports} (shell lines, or "") set before it runs.
     */
    Path launcher(Path script, Path configHome, String exports) throws IOException {
        return launcher(script, configHome, exports, Proc.javaCommand());
    }

    /** {@link #launcher(Path, Path, String)} running jumpgate with the JVM command line {@code java}. */
    Path launcher(Path script, Path configHome, String exports, List<String> java) throws IOException {
        Files.writeString(
                script,
                "#!/bin/sh\n" + clientEnv() + "export XDG_CONFIG_HOME=" + configHome + "\n"
                        + (exports.isEmpty() ? "" : exports + "\n") + "exec " + String.join(" ", java) + " \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    /**
     * The {@code jumpgate} command as on a user's PATH, with a config directory of its own, logged in to the
     * relay as admin (through {@code ssh relay-admin}, as a user does): ready for {@code proxy}.
     */
    Path loggedInClient() throws Exception {
        Path jumpgate = launcher(dir.resolve("jumpgate"), dir.resolve("client-config"), "");
        Ssh.Result login = Ssh.run(
                List.of(
                        jumpgate.toString(),
                        "login",
                        "-F",
                        config().toString(),
                        "-i",
                        key("admin").toString(),
                        "relay-admin"),
                null,
                Duration.ofSeconds(60));
        assertThat(login.exit()).as(login.err()).isZero();
        return jumpgate;
    }

    /** {@link #sshArgs} with {@code jumpgate proxy} as ProxyCommand instead of {@code -J}: the project's client. */
    List<String> proxyArgs(Path jumpgate, String user, String device, String command) {
        List<String> args = new ArrayList<>(sshArgs(user, device, command));
        args.remove("-J");
        args.remove("relay-" + user);
        args.addAll(1, List.of("-o", "ProxyCommand=" + jumpgate + " proxy %h %p"));
        return args;
    }

    /** {@code ssh relay-USER COMMAND}: the relay's console. */
    /** Runs a client command through {@code launcher} (a script as a user's PATH would hold) with {@code args}. */
    static Ssh.Result jg(Path launcher, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        return Ssh.run(cmd, null, Duration.ofSeconds(60));
    }

    Ssh.Result console(String user, String command) throws Exception {
        return Ssh.run(
                List.of("ssh", "-F", config().toString(), "relay-" + user, command), null, Duration.ofSeconds(30));
    }

    String token(String device, String... extra) throws Exception {
        Ssh.Result r = console("admin", "token create " + device + " " + String.join(" ", extra));
        assertThat(r.exit()).as("token create: %s", r.err()).isZero();
        return r.out().strip();
    }

    /** {@code agent enroll} with the token on its standard input, as a user pipes it in. */
    Proc enroll(String device, String token, String... extra) throws Exception {
        List<String> args = new ArrayList<>(
                List.of("agent", "enroll", "--state", agentState(device).toString()));
        args.addAll(List.of(extra));
        Proc p = Proc.jumpgate(
                dir.resolve("logs"),
                "enroll-" + device + "-" + procs.size(),
                secretFile(token),
                args.toArray(String[]::new));
        procs.add(p);
        p.awaitExit(START);
        return p;
    }

    /** A file holding {@code secret} (a token, a password), readable by its owner alone, as a user keeps one. */
    Path secretFile(String secret) throws IOException {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Path f = secrets.resolve("secret-" + Integer.toHexString(secret.hashCode()));
        Files.deleteIfExists(f);
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.writeString(f, secret + "\n");
    }

    Path agentState(String device) {
        return dir.resolve("agents").resolve(device);
    }

    /** Keeps {@code p} to be closed with the lab. */
    Proc adopt(Proc p) {
        procs.add(p);
        return p;
    }

    /** {@code agent run} for {@code device}, its target the lab's sshd unless {@code extra} names another. */
    Proc startAgent(String device, String... extra) throws Exception {
        seedRsaHostKey(agentState(device), "ssh_host_rsa_key"); // read only if the agent serves SSH itself
        List<String> args = new ArrayList<>(
                List.of("agent", "run", "--state", agentState(device).toString()));
        if (!List.of(extra).contains("--target")) {
            args.addAll(List.of("--target", sshd.address().toString()));
        }
        args.addAll(List.of(extra));
        Proc p =
                Proc.jumpgate(dir.resolve("logs"), "agent-" + device + "-" + procs.size(), args.toArray(String[]::new));
        procs.add(p);
        awaitOnline(device, START);
        return p;
    }

    /** Enrolls {@code device}, starts its agent, and adds its host keys, as the relay publishes them. */
    Proc addDevice(String device, String... agentArgs) throws Exception {
        return addDevice(device, List.of(), agentArgs);
    }

    /**
     * {@link #addDevice(String, String...)} with {@code enrollArgs} for {@code agent enroll} (a proxy, a transport).
     */
    Proc addDevice(String device, List<String> enrollArgs, String... agentArgs) throws Exception {
        String token = token(device);
        tokens.add(token);
        Proc enrolled = enroll(device, token, enrollArgs.toArray(String[]::new));
        assertThat(enrolled.awaitExit(START))
                .as("enroll: %s", enrolled.stderr())
                .isZero();
        Proc agent = startAgent(device, agentArgs);
        refreshKnownHosts();
        return agent;
    }

    /** {@link #addDevice} with the agent's embedded SSH server, which lets in admin's key. */
    Proc addEmbeddedDevice(String device, String... agentArgs) throws Exception {
        Path authorized = Files.writeString(dir.resolve("device_authorized_keys"), pub("admin"));
        List<String> args = new ArrayList<>(List.of("--embedded", "--authorized-keys", authorized.toString()));
        args.addAll(List.of(agentArgs));
        return addDevice(device, args.toArray(String[]::new));
    }

    void refreshKnownHosts() throws Exception {
        String relayLine =
                Files.readString(dir.resolve("known_hosts")).lines().findFirst().orElseThrow();
        Ssh.Result kh = console("admin", "known-hosts");
        assertThat(kh.exit()).isZero();
        Files.writeString(dir.resolve("known_hosts"), relayLine + "\n" + kh.out());
    }

    void awaitOnline(String device, Duration limit) {
        awaitStatus(device, "online", limit);
    }

    void awaitStatus(String device, String status, Duration limit) {
        Awaitility.await(device + " " + status)
                .atMost(limit)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> {
                    Ssh.Result r = console("admin", "devices");
                    return r.out().lines().anyMatch(l -> l.matches(device + "\\s+" + status + "\\b.*"));
                });
    }

    /** {@code ssh -J relay-USER DEVICE_USER@DEVICE COMMAND}, as a user types it. */
    Ssh.Result ssh(String user, String device, String command, byte[] stdin, Duration limit) throws Exception {
        return Ssh.run(sshArgs(user, device, command), stdin, limit);
    }

    List<String> sshArgs(String user, String device, String command) {
        List<String> args = new ArrayList<>(List.of(
                "ssh",
                "-F",
                config().toString(),
                "-i",
                keys.get(user).toString(),
                "-J",
                "relay-" + user,
                System.getProperty("user.name") + "@" + device));
        if (command != null) {
            args.add(command);
        }
        return args;
    }

    /**
     * From now on, tries to connect to the link port every 10 ms; completes with the clock time of the first
     * connection that was accepted (the moment a restarted relay returns, as any agent sees it).
     */
    CompletableFuture<LocalTime> firstAccept(Duration limit) {
        var accepted = new CompletableFuture<LocalTime>();
        Thread.ofVirtual().start(() -> {
            long end = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() < end && !accepted.isDone()) {
                try (Socket s = new Socket(linkHost, linkPort)) {
                    accepted.complete(LocalTime.now());
                } catch (IOException e) {
                    try {
                        Thread.sleep(10); // polling a port that is closed
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
            accepted.completeExceptionally(new AssertionError("port " + linkPort + " did not accept within " + limit));
        });
        return accepted;
    }

    /** {@code ssh -W DEVICE:PORT relay-USER}: stdin to that port on the device through the bastion, its answer back. */
    Ssh.Result forward(String user, String device, int port, byte[] stdin, Duration limit) throws Exception {
        return Ssh.run(
                List.of("ssh", "-F", config().toString(), "-W", device + ":" + port, "relay-" + user), stdin, limit);
    }

    /**
     * An RSA host key made by ssh-keygen, as an administrator may provide one, where the relay or agent would make
     * its own: the tests' JVMs run without C2, in which an RSA-3072 key pair took 5 to 15 s on a loaded 2-core
     * machine, against a fraction of a second for ssh-keygen.
     */
    static void seedRsaHostKey(Path dir, String file) throws IOException {
        Path key = dir.resolve(file);
        if (Files.isDirectory(dir) && !Files.exists(key)) {
            try {
                run(List.of("ssh-keygen", "-q", "-t", "rsa", "-b", "3072", "-N", "", "-C", "", "-f", key.toString()));
                Files.delete(dir.resolve(file + ".pub")); // neither reads it; only the private key file is theirs
            } catch (Exception e) {
                throw new IOException("ssh-keygen for " + key + ": " + e.getMessage(), e);
            }
        }
    }

    /** How many fresh ports {@link #onFreePort} tries before it gives up. */
    static final int PORT_TRIES = 5;

    /** What a start given to {@link #onFreePort} throws when the program says another process holds its port. */
    static final class PortTaken extends Exception {
        PortTaken(String message) {
            super(message);
        }
    }

    /** Starts a program on {@code port}, or throws {@link PortTaken} if the program says the port is in use. */
    @FunctionalInterface
    interface OnPort<T> {
        T start(int port) throws Exception;
    }

    /**
     * Starts a program that must be told its port up front and cannot bind port 0 and say which port it got
     * (sshd's {@code Port}, {@code ssh -L}), on a port that was free a moment ago. If another process took the
     * port in between, {@code start} throws {@link PortTaken} and the whole start runs again on a fresh port, up
     * to {@link #PORT_TRIES} times, so a port taken in between does not fail the test.
     */
    static <T> T onFreePort(OnPort<T> start) throws Exception {
        List<PortTaken> taken = new ArrayList<>();
        for (int i = 0; i < PORT_TRIES; i++) {
            try {
                return start.start(freePort());
            } catch (PortTaken e) {
                taken.add(e);
            }
        }
        IOException e = new IOException(PORT_TRIES + " fresh ports in a row were taken before the program bound them");
        taken.forEach(e::addSuppressed);
        throw e;
    }

    /**
     * A loopback port nothing listens on and no other process can take while the returned socket, bound but not
     * listening, stays open: a connection to it is refused. For a port meant to be closed.
     */
    static Socket closedPort() throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return s;
    }

    /**
     * A port that was free a moment ago. Racy: another process may take it before the caller binds it. Only for
     * ports a program must be told up front, where the caller retries on another port when it was taken:
     * {@link #onFreePort}, and the ports {@code EmbeddedServerTest}'s agent lets {@code ssh -R} listen on, which
     * are bound only when a test asks and which it tries in turn. The relay's ports need none (see
     * {@link #sshPort}), nor does a port meant to be closed ({@link #closedPort}).
     */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", command, out).isZero();
    }

    @Override
    public void close() throws Exception {
        for (Proc p : procs) {
            p.close();
        }
        sshd.close();
        stopMuxes();
    }

    /** The line a client script exports first: see {@link #runtime}. */
    String clientEnv() {
        return "export XDG_RUNTIME_DIR=" + runtime + "\n";
    }

    /** The pids of the muxes this lab's clients started and that still run. */
    List<ProcessHandle> muxes() throws IOException {
        Path dir = runtime.resolve("jumpgate");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".pid"))
                    .map(f -> {
                        try {
                            String pid = Files.readString(f).strip();
                            return pid.isEmpty()
                                    ? Optional.<ProcessHandle>empty()
                                    : ProcessHandle.of(Long.parseLong(pid));
                        } catch (IOException e) {
                            return Optional.<ProcessHandle>empty();
                        }
                    })
                    .flatMap(Optional::stream)
                    .filter(ProcessHandle::isAlive)
                    .toList();
        }
    }

    private void stopMuxes() throws IOException, InterruptedException {
        for (ProcessHandle mux : muxes()) {
            mux.destroy();
            try {
                mux.onExit().get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                mux.destroyForcibly();
            }
        }
        Path logs = Files.createDirectories(dir.resolve("logs"));
        try (var walk = Files.walk(runtime)) {
            for (Path log : walk.filter(f -> f.toString().endsWith(".log")).toList()) {
                Files.copy(log, logs.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try (var walk = Files.walk(runtime)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}

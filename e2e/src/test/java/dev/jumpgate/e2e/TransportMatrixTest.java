package dev.jumpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.transport.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a user relies on, held over every link transport an agent has: one relay, one device per {@link Transport}
 * (TLS straight to the link port, WebSocket through a CONNECT proxy, HTTP long-poll through a proxy that passes
 * plain HTTP only, all real tinyproxy), and for each of them {@code ssh -J} runs a command, 20 MB random files
 * cross both ways by scp intact, a user without a grant gets the documented refusal, and after a relay restart
 * the device links again by itself, over the same transport, and serves.
 *
 * <p>{@link #way} is an exhaustive switch: a transport added to the enum does not compile until it has its place
 * in this matrix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TransportMatrixTest {

    private static final int MEGABYTES = 20;

    Lab lab;
    Tinyproxy connectProxy;
    Tinyproxy plainProxy;
    int pollPort;
    final Map<Transport, Proc> agents = new EnumMap<>(Transport.class);
    Map<Transport, Integer> linksBeforeRestart;

    /** How an agent reaches the relay over one transport, and the route its log names once linked. */
    record Way(List<String> agentArgs, String route) {}

    private Way way(Transport transport) {
        String link = "127.0.0.1:" + lab.linkPort;
        String relayHttp = "http://127.0.0.1:" + pollPort;
        return switch (transport) {
            case TLS -> new Way(List.of("--transport", "tls"), "tls to " + link);
            case WEBSOCKET ->
                new Way(
                        List.of("--transport", "websocket", "--proxy", connectProxy.url(null)),
                        "websocket to " + link + " via proxy " + connectProxy.url(null));
            case HTTP_POLL ->
                new Way(
                        List.of("--transport", "http-poll", "--relay-http", relayHttp, "--proxy", plainProxy.url(null)),
                        "http-poll to " + relayHttp + " via proxy " + plainProxy.url(null));
        };
    }

    private static String device(Transport transport) {
        return "pi-" + transport.label();
    }

    @BeforeAll
    void start() throws Exception {
        Tinyproxy.assumeInstalled();
        lab = new Lab(Lab.workDir(getClass()), "--poll-listen", "127.0.0.1:0");
        pollPort = lab.pollPort;
        connectProxy = new Tinyproxy(lab.dir, "connect-proxy", "127.0.0.1", List.of("ConnectPort " + lab.linkPort));
        plainProxy = new Tinyproxy(lab.dir, "plain-proxy", "127.0.0.1", List.of("ConnectPort 0"));
        addDevices();
        lab.console("admin", "user add alice '" + lab.pub("alice").strip() + "'");
    }

    /**
     * {@link Lab#addDevice} for every transport, the three enrollments at once (a JVM's start is the slowest step
     * here), the agents one after the other: an agent reads its target's host keys as it starts, within 5 s, and
     * three JVMs starting at once on a busy machine made all three miss that.
     */
    private void addDevices() throws Exception {
        Map<Transport, Proc> enrollments = new EnumMap<>(Transport.class);
        for (Transport t : Transport.values()) {
            String token = lab.token(device(t));
            lab.tokens.add(token);
            enrollments.put(
                    t,
                    lab.adopt(Proc.jumpgate(
                            lab.dir.resolve("logs"),
                            "enroll-" + device(t),
                            lab.secretFile(token),
                            "agent",
                            "enroll",
                            "--state",
                            lab.agentState(device(t)).toString())));
        }
        for (Transport t : Transport.values()) {
            Proc enrolled = enrollments.get(t);
            assertThat(enrolled.awaitExit(Duration.ofSeconds(90)))
                    .as("enroll %s: %s", t, enrolled.stderr())
                    .isZero();
        }
        for (Transport t : Transport.values()) {
            List<String> args = new ArrayList<>(List.of(
                    "agent",
                    "run",
                    "--state",
                    lab.agentState(device(t)).toString(),
                    "--target",
                    lab.sshd.address().toString()));
            args.addAll(way(t).agentArgs());
            Proc agent = lab.adopt(
                    Proc.jumpgate(lab.dir.resolve("logs"), "agent-" + device(t), args.toArray(String[]::new)));
            agents.put(t, agent);
            lab.awaitOnline(device(t), Duration.ofSeconds(90)); // Lab.START is short for a loaded machine
            agent.awaitLog("linked to relay .* over ", Duration.ofSeconds(30)); // it logs once welcomed
            assertLinkedAsItShould(t);
        }
        lab.refreshKnownHosts();
    }

    @AfterAll
    void stop() throws Exception {
        if (lab != null) {
            lab.close();
            connectProxy.close();
            plainProxy.close();
        }
    }

    @ParameterizedTest(name = "over {0}, ssh -J runs a command on the device: output, errors and exit status come back")
    @EnumSource(Transport.class)
    @Order(1)
    void sshRunsACommand(Transport transport) throws Exception {
        assertLinkedAsItShould(transport);
        Transfers.commandsRun(lab, device(transport));
    }

    @ParameterizedTest(name = "over {0}, 20 MB random files copied by scp to the device and from it arrive identical")
    @EnumSource(Transport.class)
    @Order(2)
    void twentyMegabytesCrossBothWaysIntact(Transport transport) throws Exception {
        String device = device(transport);
        String user = System.getProperty("user.name");
        byte[] data = new byte[MEGABYTES << 20];
        new Random(device.hashCode()).nextBytes(data);
        Path up = lab.dir.resolve(device + "-up.bin");
        Files.write(up, data);
        Path onDevice = lab.dir.resolve(device + "-on-device.bin");
        scp(up.toString(), user + "@" + device + ":" + onDevice);
        // One session checks the upload and makes the file to download: ssh -J is two handshakes.
        Path madeOnDevice = lab.dir.resolve(device + "-made-on-device.bin");
        Ssh.Result sums = lab.ssh(
                "admin",
                device,
                "sha256sum " + onDevice + " && head -c " + (MEGABYTES << 20) + " /dev/urandom > " + madeOnDevice
                        + " && sha256sum " + madeOnDevice,
                null,
                Duration.ofSeconds(60));
        assertThat(sums.exit()).as(sums.err()).isZero();
        List<String> lines = sums.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).as("upload").startsWith(JumpTest.sha256(data) + " ");

        Path down = lab.dir.resolve(device + "-down.bin");
        scp(user + "@" + device + ":" + madeOnDevice, down.toString());
        byte[] received = Files.readAllBytes(down);
        assertThat(received).as("download size").hasSize(MEGABYTES << 20);
        assertThat(lines.get(1)).as("download").startsWith(JumpTest.sha256(received) + " ");

        for (Path f : List.of(up, onDevice, madeOnDevice, down)) {
            Files.delete(f);
        }
    }

    @ParameterizedTest(name = "over {0}, a user without a grant is refused as if the device did not exist")
    @EnumSource(Transport.class)
    @Order(3)
    void aUserWithoutAGrantIsRefused(Transport transport) throws Exception {
        String device = device(transport);
        Ssh.Result refused = lab.ssh("alice", device, "echo in", null, Duration.ofSeconds(30));
        assertThat(refused.exit()).isEqualTo(255);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).contains("no device '" + device + "' that you may reach; ssh relay lists yours");
        Ssh.Result unknown = lab.ssh("alice", "pi-nosuch", "echo in", null, Duration.ofSeconds(30));
        assertThat(refused.err().replace(device, "X")).isEqualTo(unknown.err().replace("pi-nosuch", "X"));
    }

    /**
     * The relay restarts once, in the first of these, for every device at a time (a relay's JVM start is the
     * slowest step here); each then holds its own device to the rule.
     */
    @ParameterizedTest(name = "over {0}, after a relay restart the device links again by itself and ssh -J works")
    @EnumSource(Transport.class)
    @Order(4)
    void afterARelayRestartTheDeviceLinksAgain(Transport transport) throws Exception {
        String device = device(transport);
        Proc agent = agents.get(transport);
        int before = restartRelayOnce().get(transport);
        Awaitility.await(device + " links again")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> Transfers.links(agent) > before);
        assertLinkedAsItShould(transport);
        lab.awaitOnline(device, Duration.ofSeconds(30));
        Transfers.commandsRun(lab, device);
    }

    /** Restarts the relay the first time it is called; how many links each agent had logged before that. */
    private Map<Transport, Integer> restartRelayOnce() throws Exception {
        if (linksBeforeRestart == null) {
            Map<Transport, Integer> links = new EnumMap<>(Transport.class);
            for (Transport t : Transport.values()) {
                links.put(t, Transfers.links(agents.get(t)));
            }
            lab.relay().close();
            lab.startRelay();
            linksBeforeRestart = links;
        }
        return linksBeforeRestart;
    }

    /** The route of the agent's newest link, as its log names it, and how many host keys it reported. */
    record Link(String route, int hostKeys) {}

    private Link lastLink(Transport transport) throws Exception {
        List<Link> links = new ArrayList<>();
        var m = Pattern.compile("linked to relay \\S+ over (.*) \\((\\d+) host keys reported\\)")
                .matcher(agents.get(transport).stderr());
        while (m.find()) {
            links.add(new Link(m.group(1), Integer.parseInt(m.group(2))));
        }
        assertThat(links).as("links of %s", device(transport)).isNotEmpty();
        return links.getLast();
    }

    /** The agent's newest link goes the transport's way and told the relay the device's host keys. */
    private void assertLinkedAsItShould(Transport transport) throws Exception {
        Link last = lastLink(transport);
        assertThat(last.route())
                .as("route of %s", device(transport))
                .isEqualTo(way(transport).route());
        // an agent that could not read its sshd's keys within its 5 s limit leaves the device unreachable
        assertThat(last.hostKeys())
                .as("host keys %s reported", device(transport))
                .isPositive();
    }

    private void scp(String from, String to) throws Exception {
        Ssh.Result r = Ssh.run(
                List.of(
                        "scp",
                        "-q",
                        "-F",
                        lab.config().toString(),
                        "-i",
                        lab.key("admin").toString(),
                        "-J",
                        "relay-admin",
                        from,
                        to),
                null,
                Duration.ofMinutes(2));
        assertThat(r.exit()).as("scp %s %s: %s", from, to, r.err()).isZero();
    }
}

package dev.jumpgate.cli;

import dev.jumpgate.agent.AgentRunner;
import dev.jumpgate.agent.AgentState;
import dev.jumpgate.agent.Enrollment;
import dev.jumpgate.agent.SshTarget;
import dev.jumpgate.agent.Targets;
import dev.jumpgate.agent.embedded.EmbeddedSettings;
import dev.jumpgate.agent.embedded.EnvAllowList;
import dev.jumpgate.agent.embedded.ForwardingPolicy;
import dev.jumpgate.agent.embedded.KeyFiles;
import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.relay.Relay;
import dev.jumpgate.relay.store.Device;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A whole jumpgate on this machine in one command: a relay on loopback, a demo device enrolled with it, and an
 * ssh_config that reaches the device through the relay with strict host key checking. The demo device's SSH
 * server is a private OpenSSH sshd when one is installed, else the agent's embedded server: the demo needs
 * nothing but Java on the machine (and an ssh client to try it).
 */
@Command(
        name = "quickstart",
        mixinStandardHelpOptions = true,
        description = "Start a relay on loopback with a demo device, and print the ssh command to reach it.")
final class QuickstartCommand implements Callable<Integer> {

    private static final DeviceName DEMO = new DeviceName("demo");

    @Option(
            names = "--dir",
            defaultValue = ".jumpgate-quickstart",
            description = "Where the demo keeps its state (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--ssh-port", defaultValue = "2222", description = "Relay SSH port if free (default: 2222).")
    int sshPort;

    @Option(names = "--link-port", defaultValue = "8443", description = "Relay agent port if free (default: 8443).")
    int linkPort;

    @Option(
            names = "--embedded",
            description = "Serve the demo device's SSH from the agent's embedded server even"
                    + " when OpenSSH's sshd is installed.")
    boolean embedded;

    @Override
    public Integer call() throws Exception {
        dir = dir.toAbsolutePath();
        Files.createDirectories(dir);
        Path adminKey = dir.resolve("admin_ed25519");
        KeyFiles.loadOrCreate(adminKey, "jumpgate-quickstart-admin");
        Path adminPub = dir.resolve("admin_ed25519.pub");
        OpenSshd sshd = null;
        SshTarget ssh;
        if (embedded || !OpenSshd.installed()) {
            ssh = SshTarget.choose(
                    new HostPort("127.0.0.1", 22),
                    SshTarget.Mode.EMBEDDED,
                    new EmbeddedSettings(
                            dir.resolve("embedded"),
                            List.of(adminPub),
                            ForwardingPolicy.none(),
                            EnvAllowList.defaults(),
                            EmbeddedSettings.DEFAULT_KEEPALIVE));
        } else {
            sshd = OpenSshd.start(dir.resolve("sshd"), Files.readString(adminPub));
            ssh = SshTarget.of(sshd.address());
        }
        Relay relay = Relay.start(new Relay.Config(
                dir.resolve("relay"),
                new HostPort("127.0.0.1", Tools.freeOr(sshPort)),
                new HostPort("127.0.0.1", Tools.freeOr(linkPort)),
                Optional.of(dir.resolve("admin_ed25519.pub")),
                Optional.empty()));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        Path agentState = dir.resolve("agent");
        if (AgentState.exists(agentState) && relay.store().device(DEMO).isEmpty()) {
            Tools.deleteTree(agentState); // the relay's state was reset; enroll afresh
        }
        if (!AgentState.exists(agentState)) {
            String token = relay.console()
                    .run("admin", "token create " + DEMO + " --ttl 10m")
                    .out()
                    .strip();
            Enrollment.enroll(group, token, agentState);
        }
        AgentRunner agent =
                new AgentRunner(group, AgentState.load(agentState), new Targets(DEMO, ssh.address(), List.of()));
        Thread.ofPlatform().name("demo-agent").daemon().start(() -> {
            try {
                agent.run();
            } catch (Exception e) {
                System.err.println("jumpgate: demo agent stopped: " + e.getMessage());
            }
        });
        Device demo = awaitHostKeys(relay, Duration.ofSeconds(20));
        Path config = writeSshConfig(relay, demo);
        CountDownLatch stopped = new CountDownLatch(1);
        OpenSshd privateSshd = sshd;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.stop();
            relay.close();
            ssh.close();
            if (privateSshd != null) {
                privateSshd.close();
            }
            stopped.countDown();
        }));
        String f = Tools.relativeToCwd(config);
        System.out.printf(
                """
                jumpgate quickstart is running:
                  relay  SSH bastion %s, agent endpoint %s (TLS %s)
                  device %s, %s on %s reached only through its agent's outbound link

                Try:
                  ssh -F %s demo                     # a shell on the device, through the relay
                  ssh -F %s demo uname -a            # a command
                  scp -F %s README.md demo:/tmp/     # a file
                  ssh -F %s jumpgate-relay           # the devices you may reach
                  ssh -F %s jumpgate-relay help      # the relay's commands

                %s holds a Host block per name, with the relay's and the device's host keys
                pinned (StrictHostKeyChecking yes). Ctrl-C stops everything.
                """,
                relay.sshAddress(),
                relay.linkAddress(),
                relay.pin(),
                DEMO,
                ssh.isEmbedded() ? "the agent's embedded SSH server" : "a private OpenSSH sshd",
                ssh.address(),
                f,
                f,
                f,
                f,
                f,
                f);
        System.out.flush();
        stopped.await();
        return 0;
    }

    private static Device awaitHostKeys(Relay relay, Duration limit) throws InterruptedException, IOException {
        Instant end = Instant.now().plus(limit);
        while (Instant.now().isBefore(end)) {
            Optional<Device> d = relay.store().device(DEMO);
            if (d.isPresent() && !d.get().hostKeys().isEmpty() && relay.links().isOnline(DEMO)) {
                return d.get();
            }
            Thread.sleep(100);
        }
        throw new IOException("the demo device did not come online within " + limit.toSeconds() + " s");
    }

    private Path writeSshConfig(Relay relay, Device demo) throws IOException {
        Path knownHosts = dir.resolve("known_hosts");
        StringBuilder kh = new StringBuilder();
        relay.sshHostKeyLines()
                .forEach(k -> kh.append("jumpgate-relay ").append(k).append('\n'));
        demo.hostKeys().forEach(k -> kh.append(DEMO).append(' ').append(k).append('\n'));
        Files.writeString(knownHosts, kh.toString());
        String common = """
                  IdentityFile %s
                  IdentitiesOnly yes
                  UserKnownHostsFile %s
                  StrictHostKeyChecking yes
                """.formatted(dir.resolve("admin_ed25519"), knownHosts);
        String text = """
                # Written by `jumpgate quickstart`.
                Host jumpgate-relay
                  HostName %s
                  Port %d
                  User admin
                  HostKeyAlias jumpgate-relay
                %s
                Host %s
                  User %s
                  ProxyJump jumpgate-relay
                %s""".formatted(
                        relay.sshAddress().host(),
                        relay.sshAddress().port(),
                        common,
                        DEMO,
                        System.getProperty("user.name"),
                        common);
        Path config = dir.resolve("ssh_config");
        Files.writeString(config, text);
        return config;
    }
}

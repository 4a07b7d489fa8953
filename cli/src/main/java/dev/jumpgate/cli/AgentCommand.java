package dev.jumpgate.cli;

import dev.jumpgate.agent.AgentRunner;
import dev.jumpgate.agent.AgentState;
import dev.jumpgate.agent.Enrollment;
import dev.jumpgate.agent.SshTarget;
import dev.jumpgate.agent.Targets;
import dev.jumpgate.agent.embedded.EmbeddedSettings;
import dev.jumpgate.agent.embedded.EnvAllowList;
import dev.jumpgate.agent.embedded.ForwardingPolicy;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.transport.link.LinkRefusedException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        description = "Run on a device: enroll once, then keep a link to the relay.",
        subcommands = {AgentCommand.Enroll.class, AgentCommand.Run.class})
final class AgentCommand {

    static final SecretInput TOKEN = new SecretInput("enrollment token", "--token-file", "JUMPGATE_TOKEN");

    @Command(
            name = "enroll",
            mixinStandardHelpOptions = true,
            description = {
                "Enroll this device with a one-time token from the relay's `token create DEVICE`.",
                "The token is read from standard input (a prompt on a terminal), --token-file or JUMPGATE_TOKEN."
            })
    static final class Enroll implements Callable<Integer> {
        @Parameters(
                index = "0",
                arity = "0..1",
                paramLabel = "TOKEN",
                description = "The token itself: works, but every local user can read it in the process list.")
        String token;

        @Option(
                names = "--token-file",
                paramLabel = "FILE",
                description = "Read the token from FILE (- for standard input).")
        Path tokenFile;

        @Option(names = "--state", required = true, description = "Directory for the agent's key and settings.")
        Path state;

        @Mixin
        TransportOptions transport = new TransportOptions();

        @Override
        public Integer call() throws Exception {
            String secret = TOKEN.read(token, tokenFile, true, SecretInput.Sources.system())
                    .orElseThrow();
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            try {
                AgentState s = Enrollment.enroll(group, secret, state, transport.plan());
                System.out.println("enrolled device " + s.device() + " with relay " + s.relay() + "; now run: "
                        + "jumpgate agent run --state " + state);
                return 0;
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
    }

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = "Keep this device linked to its relay and serve the streams users open.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--state", required = true, description = "The directory `agent enroll` wrote.")
        Path state;

        @Option(
                names = "--target",
                defaultValue = "127.0.0.1:22",
                converter = HostPortConverter.class,
                description = "Where SSH sessions go on this device (default: ${DEFAULT-VALUE}).")
        HostPort target;

        @Option(
                names = "--allow",
                converter = HostPortConverter.class,
                paramLabel = "HOST:PORT",
                description = "Another local endpoint users with a grant for its port may tunnel to, and the embedded"
                        + " server's ssh -L may reach (repeatable).")
        List<HostPort> allow = new ArrayList<>();

        @Option(
                names = "--embedded",
                negatable = true,
                description = "Serve SSH from the agent's embedded server instead of --target. Default: only when"
                        + " nothing listens on --target at start; --no-embedded: never.")
        Boolean embedded;

        @Option(
                names = "--authorized-keys",
                paramLabel = "FILE",
                description = "An authorized_keys file whose keys may log in to the embedded server, besides the"
                        + " user's ~/.ssh/authorized_keys (repeatable).")
        List<Path> authorizedKeys = new ArrayList<>();

        @Option(
                names = "--allow-listen",
                converter = HostPortConverter.class,
                paramLabel = "HOST:PORT",
                description = "Where the embedded server's ssh -R may listen, e.g. 127.0.0.1:8080 (repeatable).")
        List<HostPort> allowListen = new ArrayList<>();

        @Option(
                names = "--accept-env",
                paramLabel = "NAME",
                description = "Another environment variable (or PREFIX*) clients may set in embedded sessions,"
                        + " besides LANG, LANGUAGE, LC_*, COLORTERM and NO_COLOR (repeatable).")
        List<String> acceptEnv = new ArrayList<>();

        @Option(
                names = "--ssh-keepalive",
                paramLabel = "SECONDS",
                defaultValue = "15",
                description = "How often the embedded server checks that a client is still there; after 3 missed"
                        + " answers its session ends. 0: never (default: ${DEFAULT-VALUE}).")
        int keepaliveSeconds;

        @Mixin
        TransportOptions transport = new TransportOptions();

        @Option(
                names = "--retry-better-after",
                defaultValue = "300",
                hidden = true,
                description = "Seconds between tries of better transports while on a worse one.")
        long retryBetterSeconds;

        @Override
        public Integer call() throws Exception {
            AgentState s = AgentState.load(state);
            List<String> env = new ArrayList<>(EnvAllowList.DEFAULTS);
            env.addAll(acceptEnv);
            EmbeddedSettings settings = new EmbeddedSettings(
                    state,
                    authorizedKeys,
                    new ForwardingPolicy(allow, allowListen),
                    new EnvAllowList(env),
                    Duration.ofSeconds(keepaliveSeconds));
            SshTarget.Mode mode =
                    embedded == null ? SshTarget.Mode.AUTO : embedded ? SshTarget.Mode.EMBEDDED : SshTarget.Mode.TARGET;
            SshTarget ssh = SshTarget.choose(target, mode, settings);
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
            AgentRunner runner = new AgentRunner(
                    group,
                    s,
                    new Targets(s.device(), ssh.address(), allow),
                    transport.plan(),
                    Duration.ofSeconds(retryBetterSeconds));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                runner.stop();
                ssh.close(); // ends the sessions, and with them the programs they started
            }));
            try {
                runner.run();
                return 0;
            } catch (LinkRefusedException e) {
                System.err.println("jumpgate: " + e.getMessage());
                return 3;
            } finally {
                ssh.close();
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
    }
}

package dev.jumpgate.cli;

import dev.jumpgate.protocol.BuildVersion;
import dev.jumpgate.transport.StartupTrace;
import dev.jumpgate.transport.proxy.HttpProxy;
import java.util.Set;
import java.util.function.Supplier;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code jumpgate <command>}: the one binary for the relay, the agent and the user's side. */
@Command(
        name = "jumpgate",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Reach machines that accept no inbound connection, by name, with plain ssh.",
        subcommands = {
            RelayCommand.class,
            AgentCommand.class,
            QuickstartCommand.class,
            LoginCommand.class,
            LsCommand.class,
            ConfigCommand.class,
            ProxyCommandCli.class,
            ConnectCommand.class,
            TunnelCommand.class,
            MuxCommand.class,
            AutoComplete.GenerateCompletion.class,
            CommandLine.HelpCommand.class
        })
public final class Main {

    /** Short-lived client commands say what they have to say on stderr themselves; they skip the logger. */
    private static final Set<String> QUIET = Set.of("proxy", "ls", "config", "login");

    public static void main(String[] args) {
        StartupTrace.begin(args.length > 0 ? args[0] : "");
        if (args.length > 0 && QUIET.contains(args[0]) && System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
            System.setProperty("slf4j.internal.verbosity", "WARN");
        }
        System.exit(run(args));
    }

    public static int run(String... args) {
        ProxyCommandCli quick = ProxyCommandCli.quickParse(args);
        if (quick != null) {
            return quick.call();
        }
        CommandLine cli = commandLine(args);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("jumpgate: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        });
        // picocli echoes the arguments it could not place, and one may be --proxy http://user:PASSWORD@...
        cli.setParameterExceptionHandler((e, rest) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("jumpgate: " + HttpProxy.mask(e.getMessage()));
            cmd.usage(cmd.getErr());
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cli.execute(args);
    }

    /**
     * The whole command tree, or for a client command only that command under a bare {@code jumpgate}: picocli
     * reflects over every class in its tree, and the relay's and the agent's commands pull in MINA SSHD and
     * BouncyCastle, which {@code jumpgate proxy} (started once per ssh connection) never needs.
     */
    static CommandLine commandLine(String... args) {
        Supplier<Object> client = args.length == 0
                ? null
                : switch (args[0]) {
                    case "proxy" -> ProxyCommandCli::new;
                    case "ls" -> LsCommand::new;
                    case "config" -> ConfigCommand::new;
                    case "login" -> LoginCommand::new;
                    case "connect" -> ConnectCommand::new;
                    case "tunnel" -> TunnelCommand::new;
                    case "mux" -> MuxCommand::new;
                    default -> null;
                };
        CommandLine cli =
                client == null ? new CommandLine(new Main()) : new CommandLine(new Lean()).addSubcommand(client.get());
        Version.everywhere(cli);
        return cli;
    }

    /** {@code jumpgate} with no subcommands of its own; {@link #commandLine} adds the one asked for. */
    @Command(name = "jumpgate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class)
    static final class Lean {}

    /**
     * The build's version for {@code --version}. Only this class names picocli's provider type: were {@link Main}
     * to hand a {@code Version} where an {@code IVersionProvider} is expected, verifying {@link Main} would load
     * picocli on the proxy's path, which skips picocli altogether.
     */
    static final class Version implements CommandLine.IVersionProvider {

        /** {@code jumpgate SUBCOMMAND --version} says the same as {@code jumpgate --version}, not nothing. */
        static void everywhere(CommandLine cli) {
            cli.getCommandSpec().versionProvider(new Version());
            cli.getSubcommands().values().forEach(Version::everywhere);
        }

        @Override
        public String[] getVersion() {
            return new String[] {"jumpgate " + BuildVersion.NUMBER};
        }
    }
}

package dev.jumpgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code jumpgate <command>}: the one binary for the relay, the agent and the user's side. */
@Command(name = "jumpgate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Reach machines that accept no inbound connection, by name, with plain ssh.",
        subcommands = {RelayCommand.class, AgentCommand.class, QuickstartCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("jumpgate: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"jumpgate 0.1.0"};
        }
    }
}

package dev.jumpgate.cli;

import dev.jumpgate.client.ClientConfig;
import dev.jumpgate.client.RelayClient;
import dev.jumpgate.client.StdioBridge;
import dev.jumpgate.client.mux.MuxDial;
import dev.jumpgate.client.mux.MuxStarter;
import dev.jumpgate.protocol.StreamRequest;
import dev.jumpgate.transport.StartupTrace;
import dev.jumpgate.transport.stream.StreamAnswer;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "proxy",
        mixinStandardHelpOptions = true,
        description = {
            "Join stdin/stdout to DEVICE's SSH, for ssh's ProxyCommand: "
                    + "ssh -o ProxyCommand='jumpgate proxy %%h %%p' user@DEVICE",
            "The first one starts your mux, which stays logged in so that later ones start fast "
                    + "(see `jumpgate mux --help`; JUMPGATE_MUX=no: each proxy dials the relay itself)."
        })
final class ProxyCommandCli implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DEVICE")
    String device;

    @Parameters(index = "1", paramLabel = "PORT", defaultValue = "22", description = "Default: 22, its SSH.")
    int port;

    /**
     * {@code proxy DEVICE [PORT]} exactly as a ProxyCommand line gives it, without picocli, whose set-up
     * (reflection, a converter for every type it knows) costs more than all of this command's own parsing; null
     * for anything else (options, --help, a bad port), which picocli then parses and explains.
     */
    static ProxyCommandCli quickParse(String... args) {
        if (args.length < 2
                || args.length > 3
                || !args[0].equals("proxy")
                || args[1].isEmpty()
                || args[1].startsWith("-")
                || (args.length == 3 && !args[2].matches("[0-9]{1,5}"))) {
            return null;
        }
        ProxyCommandCli p = new ProxyCommandCli();
        p.device = args[1];
        p.port = args.length == 3 ? Integer.parseInt(args[2]) : StreamRequest.SSH_PORT;
        return p.port <= 65535 ? p : null;
    }

    @Override
    public Integer call() {
        return ClientErrors.run(() -> {
            StartupTrace.mark("parsed");
            ClientConfig config = ClientConfig.load();
            StartupTrace.mark("config");
            int target = port == 0 ? StreamRequest.SSH_PORT : port;
            boolean mux = MuxStarter.wanted(System.getenv());
            if (mux && throughMux(target)) {
                return 0;
            }
            try (RelayClient relay = RelayClient.connect(config)) {
                StreamAnswer opened;
                try {
                    opened = relay.openAndWait(device, target, null);
                } finally {
                    if (mux) {
                        MuxStarter.startFor(System.getenv(), self()); // this login works: a mux for later
                    }
                }
                StdioBridge.run(
                        opened, new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out));
            }
            return 0;
        });
    }

    /**
     * The stream through this login's mux. False if none runs, or its link is down: then this process dials the
     * relay itself, and says why if that fails too.
     */
    private boolean throughMux(int target) throws IOException, InterruptedException {
        Optional<MuxDial> mux = MuxStarter.dial(System.getenv());
        if (mux.isEmpty()) {
            return false;
        }
        try (MuxDial m = mux.get()) {
            if (!m.open(device, target)) {
                return false;
            }
            m.bridge(
                    new FileInputStream(FileDescriptor.in).getChannel(),
                    new FileOutputStream(FileDescriptor.out).getChannel());
            return true;
        }
    }

    /** The command line that runs jumpgate: the launcher when it started us, else this JVM and class path. */
    private static List<String> self() {
        String launcher = System.getenv("JUMPGATE_LAUNCHER");
        if (launcher != null) {
            return List.of(launcher);
        }
        return List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName());
    }
}

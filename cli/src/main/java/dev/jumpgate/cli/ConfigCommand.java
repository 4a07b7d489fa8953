package dev.jumpgate.cli;

import dev.jumpgate.client.ClientConfig;
import dev.jumpgate.client.RelayClient;
import dev.jumpgate.protocol.StreamRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints ssh_config Host blocks for the user's devices and writes their host keys, as the relay publishes them,
 * to a known_hosts file those blocks use: the first connection already checks the host key strictly.
 */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Print ssh_config Host blocks for your devices (append them to ~/.ssh/config); write "
                + "their host keys to a known_hosts file those blocks use.")
final class ConfigCommand implements Callable<Integer> {

    @Option(
            names = "--proxy-jump",
            description = "Use ProxyJump through the relay's SSH port instead of "
                    + "ProxyCommand through `jumpgate proxy` (then ssh alone suffices).")
    boolean proxyJump;

    @Override
    public Integer call() {
        return ClientErrors.run(() -> {
            ClientConfig config = ClientConfig.load();
            String devices;
            String knownHosts;
            try (RelayClient relay = RelayClient.connect(config)) {
                devices = relay.get(StreamRequest.DEVICES_PATH);
                knownHosts = relay.get(StreamRequest.KNOWN_HOSTS_PATH);
            }
            Path kh = writeKnownHosts(knownHosts);
            List<String> names = devices.lines()
                    .map(l -> l.split("\t")[0])
                    .filter(n -> !n.isBlank())
                    .toList();
            if (names.isEmpty()) {
                System.err.println("jumpgate: you may reach no devices yet; ask an admin for a grant");
                return 0;
            }
            System.out.print(hostBlock(names, config, kh, proxyJump));
            return 0;
        });
    }

    static Path writeKnownHosts(String lines) throws IOException {
        Files.createDirectories(ClientConfig.dir());
        Path kh = ClientConfig.dir().resolve("known_hosts");
        Files.writeString(kh, lines);
        return kh;
    }

    static String hostBlock(List<String> names, ClientConfig config, Path knownHosts, boolean proxyJump) {
        String via = proxyJump
                ? "  ProxyJump " + config.relay() + "\n"
                : "  ProxyCommand " + quote(launcher()) + " proxy %h %p\n";
        // One identity: the key that logs the user in to the relay is the one the devices know them by.
        String key = config.identity()
                .map(i -> "  IdentityFile " + quote(i.toString()) + "\n")
                .orElse("");
        return "# jumpgate: devices of " + config.user() + " on " + config.relay() + "\n"
                + "Host " + String.join(" ", names) + "\n"
                + via
                + key
                + "  UserKnownHostsFile " + quote(knownHosts.toString()) + "\n"
                + "  StrictHostKeyChecking yes\n";
    }

    /** The command that runs this jumpgate, as the launcher told us, for ProxyCommand lines. */
    static String launcher() {
        String l = System.getenv("JUMPGATE_LAUNCHER");
        return l != null && !l.isBlank() ? l : "jumpgate";
    }

    private static String quote(String s) {
        return s.contains(" ") ? "\"" + s + "\"" : s;
    }
}

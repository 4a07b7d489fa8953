package dev.jumpgate.cli;

import dev.jumpgate.client.ClientConfig;
import dev.jumpgate.client.RelayClient;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.HostPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Trust the relay once, the way ssh does, and remember it. The relay's SSH host key is checked by ssh itself
 * (known_hosts, or ssh's own prompt); over that verified session the relay names its TLS endpoint and the
 * certificate fingerprint to pin, so the client's TLS link inherits ssh's trust.
 */
@Command(
        name = "login",
        mixinStandardHelpOptions = true,
        description = "Log in to a relay: check its SSH host key as ssh does, then remember its TLS endpoint.")
final class LoginCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DESTINATION", description = "USER@RELAY:PORT, or a Host from your ssh config.")
    String destination;

    @Option(
            names = "-i",
            paramLabel = "KEY_FILE",
            description = "The SSH private key to log in with "
                    + "(default: ssh-agent's keys, then the key files ssh would offer DESTINATION; "
                    + "the one taken is saved).")
    Path identity;

    @Option(names = "-F", paramLabel = "SSH_CONFIG", description = "An ssh_config file for ssh to use.")
    Path sshConfig;

    @Option(names = "-o", paramLabel = "OPTION", description = "An ssh option, passed on (repeatable).")
    List<String> sshOptions = new ArrayList<>();

    @Override
    public Integer call() {
        return ClientErrors.run(() -> {
            Map<String, String> info = clientInfo();
            ClientConfig config = new ClientConfig(
                    info.get("user"),
                    sshDestination(destination),
                    HostPort.parse(info.get("link")),
                    Fingerprint.parse(info.get("tls")),
                    Optional.ofNullable(identity).map(Path::toAbsolutePath));
            List<Path> keyFiles = identity == null ? sshKeyFiles() : List.of();
            try (RelayClient relay = RelayClient.connect(config, keyFiles)) {
                if (identity == null && relay.keyFile().isPresent()) {
                    // Later commands run no ssh to ask again: remember the file the relay took.
                    config = new ClientConfig(
                            config.user(),
                            config.relay(),
                            config.link(),
                            config.pin(),
                            relay.keyFile().map(Path::toAbsolutePath));
                }
                Path saved = config.save();
                System.out.println("logged in to " + destination + " as " + config.user() + " (TLS endpoint "
                        + config.link() + ", " + config.pin() + "); saved in " + saved + ". Try `jumpgate ls`.");
            }
            return 0;
        });
    }

    /** Asks the relay over plain ssh, so ssh checks the relay's host key exactly as it always does. */
    private Map<String, String> clientInfo() throws IOException, InterruptedException {
        List<String> cmd = ssh();
        cmd.addAll(List.of(sshDestination(destination), "client-info"));
        Process p = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("`" + String.join(" ", cmd) + "` failed (status " + p.exitValue()
                    + "); check that you can `ssh " + destination + "`");
        }
        Map<String, String> info = new HashMap<>();
        out.lines().map(l -> l.split(" ", 2)).filter(f -> f.length == 2).forEach(f -> info.put(f[0], f[1].strip()));
        if (!info.keySet().containsAll(List.of("user", "link", "tls"))) {
            throw new IOException(
                    destination + " is not a jumpgate relay (or too old): `client-info` said: " + out.strip());
        }
        return info;
    }

    /** ssh with the options this login was given. */
    private List<String> ssh() {
        List<String> cmd = new ArrayList<>(List.of("ssh"));
        if (sshConfig != null) {
            cmd.addAll(List.of("-F", sshConfig.toString()));
        }
        if (identity != null) {
            cmd.addAll(List.of("-i", identity.toString()));
        }
        sshOptions.forEach(o -> cmd.addAll(List.of("-o", o)));
        return cmd;
    }

    /** The key files ssh would offer the relay ({@code ssh -G}); none if ssh cannot say. */
    private List<Path> sshKeyFiles() throws InterruptedException {
        List<String> cmd = ssh();
        cmd.addAll(List.of("-G", sshDestination(destination)));
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0
                    ? SshIdentities.parse(
                            out, Path.of(System.getProperty("user.home")), System.getProperty("user.name"))
                    : List.of();
        } catch (IOException e) {
            return List.of(); // the default key files remain
        }
    }

    /** {@code user@host:port} is not something ssh parses; its {@code ssh://} form is. */
    static String sshDestination(String d) {
        return d.matches("([^@/:]+@)?[^@/:\\[\\]]+:\\d+") ? "ssh://" + d : d;
    }
}

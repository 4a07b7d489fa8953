package dev.jumpgate.cli;

import dev.jumpgate.client.ClientConfig;
import dev.jumpgate.client.PortForwarder;
import dev.jumpgate.client.RelayClient;
import dev.jumpgate.protocol.StreamRequest;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Local-port mode: a port on 127.0.0.1 that reaches DEVICE's SSH. The printed command pins the device's host
 * key under its own name ({@code HostKeyAlias}), so several devices behind localhost ports never trip
 * "host key changed".
 */
@Command(
        name = "connect",
        mixinStandardHelpOptions = true,
        description = "Open 127.0.0.1:PORT to DEVICE's SSH and print the ssh command to use; serves until stopped.")
final class ConnectCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DEVICE")
    String device;

    @Option(names = "--port", defaultValue = "0", description = "Local port (default: any free one).")
    int port;

    @Option(names = "--user", description = "Login name on the device, for the printed command (default: yours).")
    String user;

    @Override
    public Integer call() {
        return ClientErrors.run(() -> {
            try (RelayClient relay = RelayClient.connect(ClientConfig.load())) {
                Path kh = ConfigCommand.writeKnownHosts(relay.get(StreamRequest.KNOWN_HOSTS_PATH));
                relay.openAndWait(device, StreamRequest.SSH_PORT, null).stream().close(); // fail now, not at first use
                try (PortForwarder f = PortForwarder.start(relay, port, device, StreamRequest.SSH_PORT, null)) {
                    String login = user != null ? user : System.getProperty("user.name");
                    System.out.println("ssh -p " + f.port() + " -o HostKeyAlias=" + device + " -o UserKnownHostsFile="
                            + kh + " " + login + "@127.0.0.1");
                    System.out.flush();
                    System.err.println(
                            "jumpgate: 127.0.0.1:" + f.port() + " reaches " + device + "'s SSH; Ctrl-C stops it");
                    relay.stayLinked(ClientErrors::say);
                    f.closeFuture().await();
                    return 0;
                }
            }
        });
    }
}

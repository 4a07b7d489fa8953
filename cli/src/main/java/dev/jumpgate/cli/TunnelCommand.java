package dev.jumpgate.cli;

import dev.jumpgate.client.ClientConfig;
import dev.jumpgate.client.PortForwarder;
import dev.jumpgate.client.RelayClient;
import dev.jumpgate.protocol.HostPort;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "tunnel",
        mixinStandardHelpOptions = true,
        description = "Forward 127.0.0.1:LOCAL to HOST:PORT as DEVICE sees it (RDP, web UIs, databases). The "
                + "device's agent must allow it (agent run --allow HOST:PORT) and your grant must cover PORT.")
final class TunnelCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DEVICE")
    String device;

    @Parameters(index = "1", paramLabel = "LOCAL:HOST:PORT", description = "e.g. 8080:127.0.0.1:80")
    String spec;

    @Override
    public Integer call() {
        return ClientErrors.run(() -> {
            int colon = spec.indexOf(':');
            if (colon <= 0) {
                return ClientErrors.fail("expected LOCAL:HOST:PORT, e.g. 8080:127.0.0.1:80, got '" + spec + "'", 2);
            }
            int local = Integer.parseInt(spec.substring(0, colon));
            HostPort target = HostPort.parse(spec.substring(colon + 1));
            try (RelayClient relay = RelayClient.connect(ClientConfig.load())) {
                relay.openAndWait(device, target.port(), target.host()).stream().close(); // refuse now, clearly
                try (PortForwarder f = PortForwarder.start(relay, local, device, target.port(), target.host())) {
                    System.out.println("127.0.0.1:" + f.port() + " -> " + target + " on " + device);
                    System.out.flush();
                    relay.stayLinked(ClientErrors::say);
                    f.closeFuture().await();
                    return 0;
                }
            }
        });
    }
}

package dev.jumpgate.cli;

import dev.jumpgate.client.ClientConfig;
import dev.jumpgate.client.RelayClient;
import dev.jumpgate.client.StdioBridge;
import dev.jumpgate.protocol.StreamRequest;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Join stdin/stdout to DEVICE's SSH, for ssh's ProxyCommand: "
                + "ssh -o ProxyCommand='jumpgate proxy %%h %%p' user@DEVICE")
final class ProxyCommandCli implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DEVICE")
    String device;

    @Parameters(index = "1", paramLabel = "PORT", defaultValue = "22", description = "Default: 22, its SSH.")
    int port;

    @Override
    public Integer call() {
        return ClientErrors.run(() -> {
            try (RelayClient relay = RelayClient.connect(ClientConfig.load())) {
                var opened = relay.openAndWait(device, port == 0 ? StreamRequest.SSH_PORT : port, null);
                StdioBridge.run(opened, new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out));
            }
            return 0;
        });
    }
}

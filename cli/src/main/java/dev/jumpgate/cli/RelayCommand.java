package dev.jumpgate.cli;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.relay.Relay;
import dev.jumpgate.transport.link.StartLimit;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(
        name = "relay",
        mixinStandardHelpOptions = true,
        description = "Run the relay: the SSH bastion users jump through, and the TLS endpoint agents link to.")
final class RelayCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, description = "State directory, created on first start.")
    Path data;

    @Option(
            names = "--ssh-listen",
            defaultValue = "0.0.0.0:2222",
            converter = HostPortConverter.class,
            description = "SSH bastion address (default: ${DEFAULT-VALUE}).")
    HostPort sshListen;

    @Option(
            names = "--listen",
            defaultValue = "0.0.0.0:443",
            converter = HostPortConverter.class,
            description = "Agent endpoint, TLS (default: ${DEFAULT-VALUE}).")
    HostPort listen;

    @Option(
            names = "--poll-listen",
            converter = HostPortConverter.class,
            paramLabel = "HOST:PORT",
            description = "Also serve HTTP long-poll in plain HTTP here, for agents behind proxies that refuse CONNECT "
                    + "(the link inside is still TLS).")
    HostPort pollListen;

    @Option(
            names = "--admin-key",
            description = "An SSH public key file; registers it as user 'admin' (admin role). "
                    + "Without it, a relay with no admin writes a one-time token to DATA/first-admin "
                    + "and logs how to claim it.")
    Path adminKey;

    @Option(
            names = "--public-address",
            converter = HostPortConverter.class,
            description = "HOST:PORT agents dial, written into enrollment tokens (default: the --listen address).")
    HostPort publicAddress;

    @Option(
            names = "--max-unauthenticated-per-address",
            paramLabel = "N",
            defaultValue = "32",
            description = "Connections to the TLS and long-poll ports, and long-poll sessions, that have not "
                    + "authenticated yet, from one address; more are closed at once (default: ${DEFAULT-VALUE}).")
    int unauthenticatedPerAddress;

    @Option(
            names = "--max-unauthenticated",
            paramLabel = "N",
            defaultValue = "512",
            description = "Connections to the TLS and long-poll ports, and long-poll sessions, that have not "
                    + "authenticated yet, from every address together (default: ${DEFAULT-VALUE}).")
    int unauthenticated;

    @Override
    public Integer call() throws Exception {
        StartLimit.Settings limits;
        try {
            limits = new StartLimit.Settings(unauthenticatedPerAddress, unauthenticated);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(
                    new CommandLine(this),
                    "relay: " + e.getMessage() + " (--max-unauthenticated-per-address, --max-unauthenticated)");
        }
        Relay relay = Relay.start(new Relay.Config(
                data,
                sshListen,
                listen,
                Optional.ofNullable(adminKey),
                Optional.ofNullable(publicAddress),
                Optional.ofNullable(pollListen),
                limits));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            relay.close();
            stopped.countDown();
        }));
        System.out.print(knownHosts(relay.sshAddress(), Optional.ofNullable(publicAddress), relay.sshHostKeyLines()));
        System.out.println("jumpgate relay ready ssh=" + relay.sshAddress() + " link=" + relay.linkAddress() + " tls="
                + relay.pin() + relay.pollAddress().map(p -> " poll=" + p).orElse(""));
        System.out.flush();
        stopped.await();
        return 0;
    }

    /**
     * The bastion's host keys as known_hosts lines, for users to add before their first login instead of trusting
     * what the first connection shows them. A wildcard bind names no host; the lines then say where to put it.
     */
    static String knownHosts(HostPort ssh, Optional<HostPort> publicAddress, List<String> keys) {
        String host = ssh.host().equals("0.0.0.0") || ssh.host().equals("::")
                ? publicAddress.map(HostPort::host).orElse("RELAY-HOST")
                : ssh.host();
        String pattern = ssh.port() == 22 ? host : "[" + host + "]:" + ssh.port();
        StringBuilder s = new StringBuilder("the SSH bastion's host keys, as known_hosts lines"
                + (host.equals("RELAY-HOST") ? " (RELAY-HOST: the name users give ssh)" : "") + ":\n");
        keys.forEach(k -> s.append(pattern).append(' ').append(k).append('\n'));
        return s.toString();
    }
}

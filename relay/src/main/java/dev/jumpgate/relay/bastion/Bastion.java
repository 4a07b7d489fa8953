package dev.jumpgate.relay.bastion;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.protocol.SshAlgorithms;
import dev.jumpgate.relay.Access;
import dev.jumpgate.relay.console.Console;
import dev.jumpgate.relay.console.FirstAdmin;
import dev.jumpgate.relay.store.Store;
import dev.jumpgate.ssh.SshOffer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.channel.ChannelSessionFactory;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.session.ServerUserAuthServiceFactory;

/**
 * The relay's SSH face: users log in with their keys; {@code direct-tcpip} to a device becomes a stream on that
 * device's link; a session runs a console command. Nothing else: no shell, no remote forwarding, no agent or X11
 * forwarding, no password logins.
 */
public final class Bastion implements AutoCloseable {

    private final SshServer server;
    private final List<String> hostKeyLines;

    private Bastion(SshServer server, List<String> hostKeyLines) {
        this.server = server;
        this.hostKeyLines = hostKeyLines;
    }

    /** A bastion whose host keys live in {@code keyDir} ({@link HostKeys}). */
    public static Bastion start(HostPort listen, Path keyDir, Store store, Access access, Console console)
            throws IOException {
        return start(listen, keyDir, store, access, console, new LoginLimit(LoginLimit.PER_SOURCE, LoginLimit.TOTAL));
    }

    /** As above, also admitting the first-admin claim while {@code firstAdmin} offers it. */
    public static Bastion start(
            HostPort listen, Path keyDir, Store store, Access access, Console console, FirstAdmin firstAdmin)
            throws IOException {
        return start(
                listen,
                keyDir,
                store,
                access,
                console,
                firstAdmin,
                new LoginLimit(LoginLimit.PER_SOURCE, LoginLimit.TOTAL));
    }

    static Bastion start(
            HostPort listen, Path keyDir, Store store, Access access, Console console, LoginLimit loginLimit)
            throws IOException {
        return start(listen, keyDir, store, access, console, FirstAdmin.none(), loginLimit);
    }

    static Bastion start(
            HostPort listen,
            Path keyDir,
            Store store,
            Access access,
            Console console,
            FirstAdmin firstAdmin,
            LoginLimit loginLimit)
            throws IOException {
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost(listen.host());
        sshd.setPort(listen.port());
        KeyPairProvider hostKeys = HostKeys.loadOrCreate(keyDir);
        sshd.setKeyPairProvider(hostKeys);
        sshd.setPublickeyAuthenticator(new LoginKeys(firstAdmin, new UserKeys(store)));
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setGSSAuthenticator(null);
        sshd.setHostBasedAuthenticator(null);
        sshd.setServiceFactories(List.of(ServerUserAuthServiceFactory.INSTANCE, OpenFailures.FACTORY));
        sshd.setChannelFactories(List.of(ChannelSessionFactory.INSTANCE, DeviceChannel.factory(access)));
        sshd.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        sshd.setShellFactory(channel -> command(channel, console, access, firstAdmin, null));
        sshd.setCommandFactory((channel, command) -> command(channel, console, access, firstAdmin, command));
        // The relay only wraps what the inner session already encrypts end to end: no compression, and AES-GCM
        // for every client that has it.
        SshOffer.apply(sshd, SshAlgorithms.RELAY_CIPHERS, SshAlgorithms.RELAY_COMPRESSION);
        // Jump sessions may sit idle for hours (an open shell on the device); the link has its own keepalive.
        CoreModuleProperties.IDLE_TIMEOUT.set(sshd, Duration.ZERO);
        CoreModuleProperties.AUTH_TIMEOUT.set(sshd, Duration.ofSeconds(30));
        // MINA writes each SSH packet by itself. With Nagle's algorithm a small one (a window adjust) waits behind
        // an unacknowledged one for the jump client's delayed ACK, which held ssh -J near 2 MiB per 30 ms.
        CoreModuleProperties.TCP_NODELAY.set(sshd, true);
        sshd.addSessionListener(loginLimit);
        sshd.addSessionListener(new SessionLogins(access.logins()));
        sshd.start();
        return new Bastion(sshd, HostKeys.lines(hostKeys));
    }

    private static Command command(
            ChannelSession channel, Console console, Access access, FirstAdmin firstAdmin, String line) {
        return channel.getSession().getUsername().equals(FirstAdmin.USER)
                ? new ClaimCommand(firstAdmin, line)
                : new ConsoleCommand(console, access, line);
    }

    /** The bastion's host keys as OpenSSH public key lines, for known_hosts: ECDSA, Ed25519, RSA. */
    public List<String> hostKeyLines() {
        return hostKeyLines;
    }

    public int port() {
        return server.getPort();
    }

    /** For tests: the server, to look at its sessions' sockets. */
    SshServer server() {
        return server;
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}

package dev.jumpgate.relay.bastion;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.relay.Access;
import dev.jumpgate.relay.console.Console;
import dev.jumpgate.relay.console.FirstAdmin;
import dev.jumpgate.relay.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.channel.ChannelSessionFactory;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerUserAuthServiceFactory;

/**
 * The relay's SSH face: users log in with their keys; {@code direct-tcpip} to a device becomes a stream on that
 * device's link; a session runs a console command. Nothing else: no shell, no remote forwarding, no agent or X11
 * forwarding, no password logins.
 */
public final class Bastion implements AutoCloseable {

    /**
     * OpenSSH clients take the first cipher in their own list that the server offers, and they list chacha20
     * first, which MINA runs at half its AES-GCM speed. Offering only AES-GCM makes every OpenSSH since 6.2
     * choose it; the relay only wraps traffic that the inner session already encrypts end to end.
     */
    static final List<String> CIPHERS = List.of("aes128-gcm@openssh.com", "aes256-gcm@openssh.com");

    private final SshServer server;

    private Bastion(SshServer server) {
        this.server = server;
    }

    public static Bastion start(HostPort listen, Path hostKeyFile, Store store, Access access, Console console)
            throws IOException {
        return start(listen, hostKeyFile, store, access, console,
                new LoginLimit(LoginLimit.PER_SOURCE, LoginLimit.TOTAL));
    }

    /** As above, also admitting the first-admin claim while {@code firstAdmin} offers it. */
    public static Bastion start(HostPort listen, Path hostKeyFile, Store store, Access access, Console console,
            FirstAdmin firstAdmin) throws IOException {
        return start(listen, hostKeyFile, store, access, console, firstAdmin,
                new LoginLimit(LoginLimit.PER_SOURCE, LoginLimit.TOTAL));
    }

    static Bastion start(HostPort listen, Path hostKeyFile, Store store, Access access, Console console,
            LoginLimit loginLimit) throws IOException {
        return start(listen, hostKeyFile, store, access, console, FirstAdmin.none(), loginLimit);
    }

    static Bastion start(HostPort listen, Path hostKeyFile, Store store, Access access, Console console,
            FirstAdmin firstAdmin, LoginLimit loginLimit) throws IOException {
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost(listen.host());
        sshd.setPort(listen.port());
        SimpleGeneratorHostKeyProvider hostKey = new SimpleGeneratorHostKeyProvider(hostKeyFile);
        hostKey.setAlgorithm("EC");
        hostKey.setKeySize(256);
        sshd.setKeyPairProvider(hostKey);
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
        sshd.setCipherFactoriesNames(CIPHERS);
        // Jump sessions may sit idle for hours (an open shell on the device); the link has its own keepalive.
        CoreModuleProperties.IDLE_TIMEOUT.set(sshd, Duration.ZERO);
        CoreModuleProperties.AUTH_TIMEOUT.set(sshd, Duration.ofSeconds(30));
        // MINA writes each SSH packet by itself. With Nagle's algorithm a small one (a window adjust) waits behind
        // an unacknowledged one for the jump client's delayed ACK, which held ssh -J near 2 MiB per 30 ms.
        CoreModuleProperties.TCP_NODELAY.set(sshd, true);
        sshd.addSessionListener(loginLimit);
        sshd.addSessionListener(new SessionLogins(access.logins()));
        sshd.start();
        return new Bastion(sshd);
    }

    private static Command command(ChannelSession channel, Console console, Access access, FirstAdmin firstAdmin,
            String line) {
        return channel.getSession().getUsername().equals(FirstAdmin.USER)
                ? new ClaimCommand(firstAdmin, line)
                : new ConsoleCommand(console, access, line);
    }

    /** The bastion's host key as an OpenSSH public key line, for known_hosts. */
    public String hostKeyLine() {
        try {
            KeyPair pair = server.getKeyPairProvider().loadKeys(null).iterator().next();
            return PublicKeyEntry.toString(pair.getPublic());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the SSH host key", e);
        }
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

package dev.jumpgate.agent.embedded;

import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.protocol.LogText;
import dev.jumpgate.protocol.SshAlgorithms;
import dev.jumpgate.ssh.SshOffer;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.AgentForwardingFilter;
import org.apache.sshd.server.forward.DirectTcpipFactory;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.server.forward.X11ForwardingFilter;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's own SSH server (Apache MINA SSHD), for devices with no sshd: shell on a real PTY, exec, SFTP, and
 * port forwarding within the agent's allow-lists, for public keys only. It listens on an ephemeral loopback port
 * and becomes the agent's SSH target, so streams reach it exactly as they would reach sshd, and the session stays
 * end to end between the user's client and this server.
 *
 * <pre>
 *   relay ══ stream ══▶ agent: StreamRequestHandler ─▶ Splice ─▶ 127.0.0.1:EPHEMERAL ─▶ EmbeddedServer
 * </pre>
 */
public final class EmbeddedServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedServer.class);
    /** The host keys sshd has after {@code ssh-keygen -A}, under the same names, so that every client finds one. */
    record HostKey(String file, String type, int bits) {}

    static final List<HostKey> HOST_KEYS = List.of(
            new HostKey("ssh_host_ed25519_key", "ssh-ed25519", 256),
            new HostKey("ssh_host_ecdsa_key", "ecdsa-sha2-nistp256", 256),
            new HostKey("ssh_host_rsa_key", "ssh-rsa", 3072));

    /**
     * The most each channel lets a client send ahead. MINA's SFTP server handles one request at a time and gives
     * the window back only after each, so it needs more in flight than MINA's default 2 MiB (8 of OpenSSH's 255 KiB
     * requests); at 8 MiB, plain uploads slowed down again. Measured in docs/BENCHMARKS.md.
     */
    static final long WINDOW = 4L * 1024 * 1024;
    /** What OpenSSH's sftp-server offers (SFTP_MAX_MSG_LENGTH - 1024). */
    static final int SFTP_MAX_LENGTH = 255 * 1024;

    private final SshServer server;
    private final ScheduledExecutorService timer;
    private final List<KeyPair> hostKeys;

    private EmbeddedServer(SshServer server, ScheduledExecutorService timer, List<KeyPair> hostKeys) {
        this.server = server;
        this.timer = timer;
        this.hostKeys = hostKeys;
    }

    public static EmbeddedServer start(EmbeddedSettings settings) throws IOException {
        Path state = settings.stateDir().toAbsolutePath();
        if (System.getProperty("pty4j.tmpdir") == null) {
            // pty4j unpacks its native library; /tmp is often mounted noexec on locked-down machines.
            System.setProperty("pty4j.tmpdir", state.toString());
        }
        List<KeyPair> hostKeys = new ArrayList<>();
        for (HostKey key : HOST_KEYS) {
            hostKeys.add(KeyFiles.loadOrCreate(
                    state.resolve(key.file()), key.type(), key.bits(), "jumpgate embedded host key"));
        }
        Account agent = Account.current();
        Programs programs = new Programs(settings.env());
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKeys));
        sshd.setPublickeyAuthenticator(
                new PublicKeyLogin(new LoginPolicy(agent, Account::lookup), settings.authorizedKeys()));
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setGSSAuthenticator(null);
        sshd.setHostBasedAuthenticator(null);
        sshd.setChannelFactories(List.of(SessionChannel.factory(settings.env()), DirectTcpipFactory.INSTANCE));
        sshd.setShellFactory(programs::shell);
        sshd.setCommandFactory(programs::exec);
        sshd.setSubsystemFactories(List.of(new Sftp(programs)));
        sshd.setForwardingFilter(forwardingFilter(settings.forwarding()));
        SshOffer.apply(sshd, SshAlgorithms.EMBEDDED_CIPHERS, SshAlgorithms.EMBEDDED_COMPRESSION);
        // OpenSSH's sftp moves min(read, write) of the server's limits@openssh.com per request: MINA's 63 KiB read
        // limit would cut every transfer into four times as many requests as with OpenSSH's sftp-server.
        SftpModuleProperties.MAX_READDATA_PACKET_LENGTH.set(sshd, SFTP_MAX_LENGTH);
        SftpModuleProperties.MAX_WRITEDATA_PACKET_LENGTH.set(sshd, SFTP_MAX_LENGTH);
        CoreModuleProperties.WINDOW_SIZE.set(sshd, WINDOW);
        CoreModuleProperties.AUTH_TIMEOUT.set(sshd, Duration.ofSeconds(30));
        // As the relay's bastion: MINA writes packet by packet, and Nagle would hold a small one for a delayed ACK.
        CoreModuleProperties.TCP_NODELAY.set(sshd, true);
        // Keepalive answers count as traffic: a live client is never idle; a silent one is closed by the keepalive
        // or, at the latest, by this.
        CoreModuleProperties.IDLE_TIMEOUT.set(
                sshd,
                settings.keepalive().isZero()
                        ? Duration.ZERO
                        : settings.keepalive().multipliedBy(Keepalive.MAX_UNANSWERED + 2));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("embedded-keepalive").daemon().unstarted(r));
        sshd.addSessionListener(new Keepalive(settings.keepalive(), timer));
        sshd.addSessionListener(new SessionListener() {
            @Override
            public void sessionEvent(Session session, Event event) {
                if (event == Event.Authenticated) {
                    log.info(
                            "embedded ssh: {} logged in with key {}",
                            LogText.of(session.getUsername()),
                            session.getAttribute(PublicKeyLogin.KEY));
                }
            }
        });
        try {
            sshd.start();
        } catch (IOException e) {
            timer.shutdownNow();
            throw new IOException("cannot start the embedded SSH server: " + e.getMessage(), e);
        }
        return new EmbeddedServer(sshd, timer, List.copyOf(hostKeys));
    }

    private static ForwardingFilter forwardingFilter(ForwardingPolicy policy) {
        TcpForwardingFilter tcp = new TcpForwardingFilter() {
            @Override
            public boolean canListen(SshdSocketAddress address, Session session) {
                boolean ok = policy.mayListen(address.getHostName(), address.getPort());
                if (!ok) {
                    log.info(
                            "embedded ssh: refusing ssh -R listening on {} for {}: the agent allows listening on {}"
                                    + " (--allow-listen)",
                            LogText.of(address),
                            LogText.of(session.getUsername()),
                            ForwardingPolicy.describe(policy.listen()));
                }
                return ok;
            }

            @Override
            public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
                boolean ok = type == Type.Direct && policy.mayConnect(address.getHostName(), address.getPort());
                if (!ok) {
                    log.info(
                            "embedded ssh: refusing ssh -L to {} for {}: the agent allows {} (--allow)",
                            LogText.of(address),
                            LogText.of(session.getUsername()),
                            ForwardingPolicy.describe(policy.connect()));
                }
                return ok;
            }
        };
        return ForwardingFilter.asForwardingFilter(AgentForwardingFilter.of(false), X11ForwardingFilter.of(false), tcp);
    }

    /** Where the server listens: the agent's SSH target. */
    public HostPort address() {
        return new HostPort("127.0.0.1", server.getPort());
    }

    /** For tests: the server, to look at its sessions' sockets. */
    SshServer server() {
        return server;
    }

    /** The host keys clients may see, as OpenSSH public key lines. */
    public List<String> hostKeyLines() {
        return hostKeys.stream().map(KeyFiles::publicLine).toList();
    }

    @Override
    public void close() {
        try {
            server.stop(true);
        } catch (IOException e) {
            log.debug("embedded ssh: stopping: {}", e.getMessage());
        }
        timer.shutdownNow();
    }
}

package dev.jumpgate.relay;

import dev.jumpgate.protocol.BuildVersion;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.relay.bastion.Bastion;
import dev.jumpgate.relay.client.ClientStreams;
import dev.jumpgate.relay.client.UserAdmission;
import dev.jumpgate.relay.console.Console;
import dev.jumpgate.relay.console.FirstAdmin;
import dev.jumpgate.relay.link.DeviceAdmission;
import dev.jumpgate.relay.link.Links;
import dev.jumpgate.relay.store.Store;
import dev.jumpgate.transport.link.LinkServer;
import dev.jumpgate.transport.link.StartLimit;
import dev.jumpgate.transport.poll.PollLimits;
import dev.jumpgate.transport.tls.PrivateDirectory;
import dev.jumpgate.transport.tls.TlsIdentity;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running relay: the SSH bastion, the TLS endpoint agents link to, and the state behind both. Everything it
 * needs lives in one data directory, created on first start for the relay's user alone, and refused at start if
 * others may read it ({@link PrivateDirectory}).
 *
 * <pre>
 *   DATA/state.db          users, keys, grants, devices, token hashes (SQLite, WAL)
 *   DATA/relay.key|crt     the TLS identity agents pin (self-signed unless replaced)
 *   DATA/ssh_host_key      the bastion's SSH host keys: ECDSA, and beside it
 *   DATA/ssh_host_ed25519_key, ssh_host_rsa_key
 *   DATA/first-admin       while the relay has no admin: the one-time token that claims it (0600)
 * </pre>
 */
public final class Relay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    private static final String VERSION = BuildVersion.ANNOUNCED;
    private static final int DB_THREADS = 4;
    /** Tasks waiting for a {@code relay-db} thread at most; more are rejected (see the callers of execute). */
    static final int DB_QUEUE = 1024;

    /**
     * How to start; {@code publicAddress} is what tokens tell agents to dial, when it differs from the bind;
     * {@code unauthenticated} bounds the connections and long-poll sessions of the link and poll ports that have
     * not authenticated yet.
     */
    public record Config(
            Path data,
            HostPort sshListen,
            HostPort linkListen,
            Optional<Path> adminKey,
            Optional<HostPort> publicAddress,
            Optional<HostPort> pollListen,
            StartLimit.Settings unauthenticated) {

        public Config(
                Path data,
                HostPort sshListen,
                HostPort linkListen,
                Optional<Path> adminKey,
                Optional<HostPort> publicAddress,
                Optional<HostPort> pollListen) {
            this(data, sshListen, linkListen, adminKey, publicAddress, pollListen, StartLimit.Settings.DEFAULTS);
        }

        public Config(
                Path data,
                HostPort sshListen,
                HostPort linkListen,
                Optional<Path> adminKey,
                Optional<HostPort> publicAddress) {
            this(data, sshListen, linkListen, adminKey, publicAddress, Optional.empty());
        }
    }

    private final Store store;
    private final EventLoopGroup group;
    private final ExecutorService blocking;
    private final Links links;
    private final LinkServer linkServer;
    private final Bastion bastion;
    private final Console console;
    private final HostPort sshAddress;
    private final HostPort linkAddress;
    private final Optional<HostPort> pollAddress;
    private final Fingerprint pin;

    private Relay(Config c) throws IOException, InterruptedException {
        PrivateDirectory.check(PrivateDirectory.create(c.data()));
        store = Store.open(c.data());
        if (c.adminKey().isPresent()) {
            String line = Files.readString(c.adminKey().get()).strip();
            store.ensureAdmin("admin", line);
        }
        FirstAdmin firstAdmin = FirstAdmin.prepare(c.data(), store, Instant.now());
        TlsIdentity identity = TlsIdentity.loadOrCreate(c.data(), "relay", "jumpgate relay");
        pin = identity.fingerprint();
        group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        // Bounded like the store's own queue: a flood of handshakes is refused as "relay busy", not queued.
        blocking = new ThreadPoolExecutor(
                DB_THREADS,
                DB_THREADS,
                0,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(DB_QUEUE),
                Thread.ofPlatform().name("relay-db-", 0).daemon().factory());
        links = new Links(store, blocking);
        Access access = new Access(store, links);
        try {
            ClientStreams clientStreams = new ClientStreams(access, new DeviceList(store, links, access), blocking);
            linkServer = LinkServer.start(
                    group,
                    new LinkServer.Settings(
                            c.linkListen(),
                            c.pollListen(),
                            identity,
                            VERSION,
                            new DeviceAdmission(store, VERSION),
                            links::add,
                            new UserAdmission(store, access.logins(), clientStreams::forLogin),
                            blocking,
                            c.unauthenticated(),
                            PollLimits.DEFAULTS.withUnlinked(
                                    c.unauthenticated().perAddress(),
                                    c.unauthenticated().total())));
            InetSocketAddress bound = linkServer.boundAddress();
            linkAddress = new HostPort(c.linkListen().host(), bound.getPort());
            pollAddress = linkServer
                    .pollAddress()
                    .map(a -> new HostPort(c.pollListen().orElseThrow().host(), a.getPort()));
            HostPort advertised = c.publicAddress().orElseGet(() -> advertise(linkAddress));
            console = new Console(store, links, access, advertised, pin);
            bastion = Bastion.start(c.sshListen(), c.data(), store, access, console, firstAdmin);
            sshAddress = new HostPort(c.sshListen().host(), bastion.port());
        } catch (IOException | InterruptedException | RuntimeException e) {
            closeQuietly();
            throw e;
        }
        if (firstAdmin.isOpen(Instant.now())) {
            // The path and the command only: the token is in the file, which only this relay's owner can read.
            log.warn(
                    "this relay has no admin yet; within 1 h, claim it with any SSH key: ssh -p {} {}@{} claim < {}"
                            + " (or restart with --admin-key KEY.pub)",
                    sshAddress.port(),
                    FirstAdmin.USER,
                    c.publicAddress().map(HostPort::host).orElse(sshAddress.host()),
                    firstAdmin.file());
        }
    }

    public static Relay start(Config config) throws IOException, InterruptedException {
        return new Relay(config);
    }

    /** A wildcard bind is no address to give an agent; fall back to this host's name. */
    private static HostPort advertise(HostPort bound) {
        String host = bound.host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            try {
                host = InetAddress.getLocalHost().getCanonicalHostName();
            } catch (IOException e) {
                host = "localhost";
            }
            log.warn(
                    "tokens will tell agents to dial {}:{}; set --public-address if agents reach this relay by "
                            + "another name",
                    host,
                    bound.port());
        }
        return new HostPort(host, bound.port());
    }

    public HostPort sshAddress() {
        return sshAddress;
    }

    public HostPort linkAddress() {
        return linkAddress;
    }

    /** The plain-HTTP long-poll port, when {@code --poll-listen} asked for one. */
    public Optional<HostPort> pollAddress() {
        return pollAddress;
    }

    /** The bastion's host keys as OpenSSH public key lines ({@code ssh-ed25519 AAAA...}), for known_hosts. */
    public List<String> sshHostKeyLines() {
        return bastion.hostKeyLines();
    }

    public Fingerprint pin() {
        return pin;
    }

    /** The console as the relay's own admin uses it, for in-process callers (quickstart, tests). */
    public Console console() {
        return console;
    }

    public Store store() {
        return store;
    }

    public Links links() {
        return links;
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            if (bastion != null) {
                bastion.close();
            }
        } catch (IOException e) {
            log.warn("closing the SSH bastion: {}", e.toString());
        }
        if (linkServer != null) {
            linkServer.close();
        }
        if (links != null) {
            links.closeAll();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (blocking != null) {
            // Let the last-seen writes of the links just closed land before the store closes.
            blocking.shutdown();
            try {
                blocking.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        store.close();
    }
}

package dev.jumpgate.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.transport.Route;
import dev.jumpgate.transport.poll.PollLimits;
import dev.jumpgate.transport.tls.TlsContexts;
import dev.jumpgate.transport.tls.TlsIdentity;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.Future;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A relay's link server and agents dialling it, in process over loopback with real TLS. The admission welcomes
 * every agent unless a test sets another; every call to it is recorded.
 */
public final class LinkHarness implements AutoCloseable {

    /** What the relay's admission saw of one agent. */
    public record Seen(LinkMessage.Hello hello, PublicKey key) {}

    public final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    public final TlsIdentity relayIdentity;
    public final List<Seen> asked = new CopyOnWriteArrayList<>();
    public final BlockingQueue<RelayLink> links = new LinkedBlockingQueue<>();
    public volatile AgentAdmission admission = (hello, key, remote) -> new LinkMessage.Welcome("test-relay", 10);
    private final ExecutorService blocking = Executors.newSingleThreadExecutor();
    private final LinkServer server;

    public LinkHarness() throws InterruptedException {
        this(TlsIdentity.generate("test relay"));
    }

    public LinkHarness(TlsIdentity relayIdentity) throws InterruptedException {
        this(relayIdentity, PollLimits.DEFAULTS);
    }

    public LinkHarness(PollLimits pollLimits) throws InterruptedException {
        this(TlsIdentity.generate("test relay"), pollLimits);
    }

    private LinkHarness(TlsIdentity relayIdentity, PollLimits pollLimits) throws InterruptedException {
        this.relayIdentity = relayIdentity;
        server = LinkServer.start(
                group,
                new LinkServer.Settings(
                        new HostPort("127.0.0.1", 0),
                        Optional.of(new HostPort("127.0.0.1", 0)),
                        relayIdentity,
                        "test",
                        (hello, key, remote) -> {
                            asked.add(new Seen(hello, key));
                            return admission.admit(hello, key, remote);
                        },
                        links::add,
                        ClientAdmission.NONE,
                        blocking,
                        StartLimit.Settings.DEFAULTS,
                        pollLimits));
    }

    public HostPort address() {
        return new HostPort("127.0.0.1", server.boundAddress().getPort());
    }

    /** The plain-HTTP long-poll port. */
    public URI pollUrl() {
        return URI.create(
                "http://127.0.0.1:" + server.pollAddress().orElseThrow().getPort());
    }

    public LinkServer server() {
        return server;
    }

    public static LinkMessage.Hello hello(String device) {
        return new LinkMessage.Hello(new DeviceName(device), new byte[0], List.of(), "test-agent");
    }

    /** Dials as {@code agent}, trusting the relay certificate with fingerprint {@code pin}. */
    public Future<Channel> dial(TlsIdentity agent, Fingerprint pin, String device, ChannelHandler streams) {
        return LinkDialer.dial(group, address(), TlsContexts.agent(agent, pin), hello(device), streams);
    }

    /** Dials as a fresh agent that pins the right relay, and returns the relay's side of the link. */
    public RelayLink link(String device, ChannelHandler streams) throws Exception {
        return link(Route.direct(address()), device, streams);
    }

    /** {@link #link(String, ChannelHandler)} over {@code route}. */
    public RelayLink link(Route route, String device, ChannelHandler streams) throws Exception {
        Channel agentSide = LinkDialer.dial(
                        group,
                        route,
                        TlsContexts.agent(TlsIdentity.generate("agent " + device), relayIdentity.fingerprint()),
                        hello(device),
                        streams)
                .get(10, TimeUnit.SECONDS);
        if (!agentSide.isActive()) {
            throw new IllegalStateException("link closed right after the welcome");
        }
        RelayLink link = links.poll(10, TimeUnit.SECONDS);
        if (link == null) {
            throw new IllegalStateException("the relay never reported the link");
        }
        return link;
    }

    @Override
    public void close() {
        server.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        blocking.shutdownNow();
    }

    /** Where a hostile-input test ends: the server still welcomes and serves a proper agent. */
    public void assertAGoodAgentIsStillServed() throws Exception {
        StreamProbe probe = StreamProbe.open(link("pi-good", EchoStreams.handler()), "pi-good:22");
        assertThat(StreamHeaders.isAccepted(probe.awaitResponse())).isTrue();
        byte[] hello = "still here".getBytes(StandardCharsets.UTF_8);
        probe.send(hello, true);
        probe.ended.get(10, TimeUnit.SECONDS);
        assertThat(probe.receivedBytes()).isEqualTo(hello);
    }
}

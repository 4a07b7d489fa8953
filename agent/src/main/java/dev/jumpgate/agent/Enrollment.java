package dev.jumpgate.agent;

import dev.jumpgate.protocol.BuildVersion;
import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.EnrollmentToken;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.transport.Route;
import dev.jumpgate.transport.RoutePlan;
import dev.jumpgate.transport.link.LinkDialer;
import dev.jumpgate.transport.link.LinkRefusedException;
import dev.jumpgate.transport.tls.PrivateDirectory;
import dev.jumpgate.transport.tls.TlsContexts;
import dev.jumpgate.transport.tls.TlsIdentity;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Enrolls this machine as a device: make a key pair (or take the one an unfinished enrollment into the same state
 * directory left), dial the relay named in the token (trusting only the certificate the token pins), present the
 * token, and on success remember the relay.
 */
public final class Enrollment {

    private Enrollment() {}

    public static AgentState enroll(EventLoopGroup group, String tokenText, Path stateDir)
            throws IOException, InterruptedException {
        return enroll(group, tokenText, stateDir, RoutePlan.auto());
    }

    /** Enrolls over the first route of {@code plan} that reaches the relay. */
    public static AgentState enroll(EventLoopGroup group, String tokenText, Path stateDir, RoutePlan plan)
            throws IOException, InterruptedException {
        if (AgentState.exists(stateDir)) {
            throw new IOException(stateDir + " already holds an enrolled agent ("
                    + AgentState.load(stateDir).device()
                    + "); use another --state directory, or delete this one to enroll again");
        }
        // The relay spends the token when it admits us: a directory that cannot keep the state must fail before.
        try {
            PrivateDirectory.create(stateDir);
        } catch (IOException e) {
            throw new IOException(
                    "cannot create the state directory " + stateDir + " (" + e.getMessage()
                            + "); the token was not used",
                    e);
        }
        PrivateDirectory.check(stateDir);
        EnrollmentToken token = EnrollmentToken.parse(tokenText);
        if (token.expires().isBefore(Instant.now())) {
            throw new IOException("enrollment token for " + token.device() + " expired at " + token.expires()
                    + "; create a new one on the relay with `token create " + token.device() + "`");
        }
        TlsIdentity identity = pendingIdentity(stateDir, token.device());
        var hello = new LinkMessage.Hello(token.device(), token.secret(), List.of(), BuildVersion.ANNOUNCED);
        var tls = TlsContexts.agent(identity, token.relayPin());
        RouteDialer dialer = new RouteDialer(group, tls, new ChannelInboundHandlerAdapter());
        List<String> failures = new ArrayList<>();
        Channel link = null;
        for (Route route : plan.routes(token.relay())) {
            try {
                link = dialer.dial(route, hello);
                break;
            } catch (LinkRefusedException e) {
                throw new IOException("enrollment with relay " + token.relay() + " failed: " + e.getMessage(), e);
            } catch (Exception e) {
                failures.add(route.transport() + ": " + AgentRunner.describe(e));
            }
        }
        if (link == null) {
            throw new IOException("enrollment with relay " + token.relay() + " failed: " + String.join("; ", failures)
                    + "; run `agent enroll` again with the same token and --state " + stateDir
                    + ", which keeps this attempt's key");
        }
        LinkDialer.closeAndWait(link, Duration.ofSeconds(3));
        AgentState state = new AgentState(token.device(), token.relay(), token.relayPin(), identity);
        state.save(stateDir);
        return state;
    }

    /**
     * The key this enrollment presents, stored before the token is: the relay binds the device to it while
     * redeeming, so if the Welcome is lost, a later attempt must present the same key for the relay to accept the
     * token again. Only {@code agent.properties} marks an enrollment complete, and {@link #enroll} refuses a
     * directory that has one, so a key is never carried over from a completed enrollment.
     */
    private static TlsIdentity pendingIdentity(Path stateDir, DeviceName device) throws IOException {
        Path key = stateDir.resolve(AgentState.KEY);
        Path certificate = stateDir.resolve(AgentState.CERTIFICATE);
        if (Files.exists(key) && Files.exists(certificate)) {
            try {
                return TlsIdentity.load(key, certificate);
            } catch (IOException | RuntimeException e) {
                throw new IOException(
                        "cannot read the key an earlier `agent enroll` left in " + stateDir + " ("
                                + e.getMessage() + "); this attempt did not present the token. Delete " + stateDir
                                + " and enroll again; if the earlier attempt reached the relay, an admin first"
                                + " runs `device rm "
                                + device + "` and creates a new token",
                        e);
            }
        }
        // Saved whole before any dial: if it is cut short, the token was not presented and a new key is made.
        TlsIdentity identity = TlsIdentity.generate("jumpgate agent " + device);
        identity.save(key, certificate);
        return identity;
    }
}

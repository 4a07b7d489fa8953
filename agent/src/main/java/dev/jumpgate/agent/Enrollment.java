package dev.jumpgate.agent;

import dev.jumpgate.protocol.EnrollmentToken;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.transport.link.LinkDialer;
import dev.jumpgate.transport.link.LinkRefusedException;
import dev.jumpgate.transport.pipe.Route;
import dev.jumpgate.transport.pipe.RoutePlan;
import dev.jumpgate.transport.tls.TlsContexts;
import dev.jumpgate.transport.tls.PrivateDirectory;
import dev.jumpgate.transport.tls.TlsIdentity;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Enrolls this machine as a device: make a key pair, dial the relay named in the token (trusting only the
 * certificate the token pins), present the token once, and on success remember the relay and the key.
 */
public final class Enrollment {

    private Enrollment() {
    }

    public static AgentState enroll(EventLoopGroup group, String tokenText, Path stateDir)
            throws IOException, InterruptedException {
        return enroll(group, tokenText, stateDir, RoutePlan.auto());
    }

    /** Enrolls over the first route of {@code plan} that reaches the relay. */
    public static AgentState enroll(EventLoopGroup group, String tokenText, Path stateDir, RoutePlan plan)
            throws IOException, InterruptedException {
        if (AgentState.exists(stateDir)) {
            throw new IOException(stateDir + " already holds an enrolled agent (" + AgentState.load(stateDir).device()
                    + "); use another --state directory, or delete this one to enroll again");
        }
        // The relay spends the token when it admits us: a directory that cannot keep the state must fail before.
        try {
            PrivateDirectory.create(stateDir);
        } catch (IOException e) {
            throw new IOException("cannot create the state directory " + stateDir + " (" + e.getMessage()
                    + "); the token was not used", e);
        }
        PrivateDirectory.check(stateDir);
        EnrollmentToken token = EnrollmentToken.parse(tokenText);
        if (token.expires().isBefore(Instant.now())) {
            throw new IOException("enrollment token for " + token.device() + " expired at " + token.expires()
                    + "; create a new one on the relay with `token create " + token.device() + "`");
        }
        TlsIdentity identity = TlsIdentity.generate("jumpgate agent " + token.device());
        var hello = new LinkMessage.Hello(token.device(), token.secret(), List.of(), Version.CURRENT);
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
            throw new IOException("enrollment with relay " + token.relay() + " failed: " + String.join("; ", failures));
        }
        LinkDialer.closeAndWait(link, Duration.ofSeconds(3));
        AgentState state = new AgentState(token.device(), token.relay(), token.relayPin(), identity);
        state.save(stateDir);
        return state;
    }
}

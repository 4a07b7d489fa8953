package dev.jumpgate.agent;

import dev.jumpgate.protocol.EnrollmentToken;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.transport.link.LinkDialer;
import dev.jumpgate.transport.tls.TlsContexts;
import dev.jumpgate.transport.tls.TlsIdentity;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Enrolls this machine as a device: make a key pair, dial the relay named in the token (trusting only the
 * certificate the token pins), present the token once, and on success remember the relay and the key.
 */
public final class Enrollment {

    private Enrollment() {
    }

    public static AgentState enroll(EventLoopGroup group, String tokenText, Path stateDir)
            throws IOException, InterruptedException {
        if (AgentState.exists(stateDir)) {
            throw new IOException(stateDir + " already holds an enrolled agent (" + AgentState.load(stateDir).device()
                    + "); use another --state directory, or delete this one to enroll again");
        }
        EnrollmentToken token = EnrollmentToken.parse(tokenText);
        if (token.expires().isBefore(Instant.now())) {
            throw new IOException("enrollment token for " + token.device() + " expired at " + token.expires()
                    + "; create a new one on the relay with `token create " + token.device() + "`");
        }
        TlsIdentity identity = TlsIdentity.generate("jumpgate agent " + token.device());
        var hello = new LinkMessage.Hello(token.device(), token.secret(), List.of(), Version.CURRENT);
        var tls = TlsContexts.agent(identity, token.relayPin());
        try {
            Channel link = LinkDialer.dial(group, token.relay(), tls, hello, new ChannelInboundHandlerAdapter())
                    .get(30, TimeUnit.SECONDS);
            link.close();
        } catch (ExecutionException e) {
            throw new IOException("enrollment with relay " + token.relay() + " failed: "
                    + AgentRunner.describe(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("enrollment with relay " + token.relay() + " timed out after 30 s");
        }
        AgentState state = new AgentState(token.device(), token.relay(), token.relayPin(), identity);
        state.save(stateDir);
        return state;
    }
}

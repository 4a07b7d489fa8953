package dev.jumpgate.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.transport.tls.TlsContexts;
import dev.jumpgate.transport.tls.TlsIdentity;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeepaliveTest {

    @Test
    void theAgentPingsAtTheIntervalTheRelaysWelcomeAsksFor() throws Exception {
        try (LinkHarness relay = new LinkHarness()) {
            relay.authorizer = (hello, key, remote) -> new LinkMessage.Welcome("test-relay", 1);
            Channel agent = LinkDialer.dial(relay.group, relay.address(), TlsContexts.agent(
                    TlsIdentity.generate("agent"), relay.relayIdentity.fingerprint()), LinkHarness.hello("pi-fast"),
                    EchoStreams.handler()).get(10, TimeUnit.SECONDS);
            AtomicInteger answered = new AtomicInteger();
            agent.pipeline().addAfter(Http2Roles.CODEC, "count", new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof Http2PingFrame ping && ping.ack()) {
                        answered.incrementAndGet();
                    }
                    ctx.fireChannelRead(msg);
                }
            });

            // At the default 10 s no PING would be answered this soon; at 1 s, three are.
            Awaitility.await().atMost(Duration.ofSeconds(8)).until(() -> answered.get() >= 3);
            assertThat(((IdleStateHandler) agent.pipeline().get(Keepalive.IDLE)).getReaderIdleTimeInMillis())
                    .isEqualTo(2_500);
            agent.close();
        }
    }

    @Test
    void aNonsensicalIntervalFromTheRelayKeepsTheDefault() {
        assertThat(Keepalive.interval(0)).isEqualTo(LinkSettings.PING_INTERVAL);
        assertThat(Keepalive.interval(65_535)).isEqualTo(LinkSettings.PING_INTERVAL);
        assertThat(Keepalive.interval(3)).isEqualTo(Duration.ofSeconds(3));
    }
}

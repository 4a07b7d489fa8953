package dev.jumpgate.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.transport.tls.TlsContexts;
import dev.jumpgate.transport.tls.TlsIdentity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
            relay.admission = (hello, key, remote) -> new LinkMessage.Welcome("test-relay", 1);
            Channel agent = LinkDialer.dial(
                            relay.group,
                            relay.address(),
                            TlsContexts.agent(TlsIdentity.generate("agent"), relay.relayIdentity.fingerprint()),
                            LinkHarness.hello("pi-fast"),
                            EchoStreams.handler())
                    .get(10, TimeUnit.SECONDS);
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
    void theClientPingsAtTheIntervalTheRelaysWelcomeAsksFor() {
        EmbeddedChannel link = new EmbeddedChannel();
        link.freezeTime();
        Promise<ClientLink> linked = link.eventLoop().newPromise();
        link.pipeline().addLast(Keepalive.IDLE, Keepalive.idleDetector());
        link.pipeline()
                .addLast(
                        ClientDialHandshake.NAME,
                        new ClientDialHandshake(
                                "alice",
                                CompletableFuture.completedFuture(TEST_KEY),
                                Fingerprint.of(new byte[] {1, 2, 3}),
                                "test",
                                linked));
        link.writeInbound(Frames.encode(link.alloc(), new LinkMessage.Challenge(new byte[32], "test-relay"), false));
        link.writeInbound(Frames.encode(link.alloc(), new LinkMessage.Welcome("test-relay", 1), false));
        assertThat(linked.isSuccess()).isTrue();
        drain(link);

        // At the default 10 s nothing would be sent by now; at 1 s, one PING.
        link.advanceTimeBy(1_100, TimeUnit.MILLISECONDS);
        link.runScheduledPendingTasks();
        assertThat(frameTypes(drain(link))).containsExactly(PING);
        assertThat(((IdleStateHandler) link.pipeline().get(Keepalive.IDLE)).getReaderIdleTimeInMillis())
                .isEqualTo(2_500);
        link.finishAndReleaseAll();
    }

    private static final int PING = 0x6;

    private static final Signer TEST_KEY = new Signer() {
        public byte[] publicKey() {
            return new byte[] {0, 0, 0, 1, 'k'};
        }

        public byte[] sign(byte[] data) {
            return new byte[] {0, 0, 0, 1, 's'};
        }

        public String describe() {
            return "test key";
        }
    };

    private static ByteBuf drain(EmbeddedChannel link) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b; (b = link.readOutbound()) != null; ) {
            all.writeBytes(b);
            b.release();
        }
        return all;
    }

    /** The types of the whole HTTP/2 frames in {@code bytes}: 9-byte headers, {@code length(3) type(1) ...}. */
    private static List<Integer> frameTypes(ByteBuf bytes) {
        List<Integer> types = new ArrayList<>();
        while (bytes.readableBytes() >= 9) {
            int length = bytes.readUnsignedMedium();
            types.add((int) bytes.readUnsignedByte());
            bytes.skipBytes(5 + length);
        }
        bytes.release();
        return types;
    }

    @Test
    void aNonsensicalIntervalFromTheRelayKeepsTheDefault() {
        assertThat(Keepalive.interval(0)).isEqualTo(LinkSettings.PING_INTERVAL);
        assertThat(Keepalive.interval(65_535)).isEqualTo(LinkSettings.PING_INTERVAL);
        assertThat(Keepalive.interval(3)).isEqualTo(Duration.ofSeconds(3));
    }
}

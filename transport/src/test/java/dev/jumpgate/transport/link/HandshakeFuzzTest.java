package dev.jumpgate.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.LinkCodec;
import dev.jumpgate.protocol.LinkMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hostile bytes on either side of both handshakes (agent link and client link), fed through the real handlers
 * with no socket. What each side may do is narrow: close, refuse, or keep waiting only while what it holds is
 * less than one maximal frame. It never admits anyone on garbage and never lets an exception escape.
 */
class HandshakeFuzzTest {

    /** Most a side may hold without deciding: magic, a length and one maximal frame. */
    private static final int UNDECIDED_BOUND = 4 + 4 + LinkCodec.MAX_FRAME;

    private static final Fingerprint PIN = Fingerprint.of(new byte[] {1, 2, 3});

    @FuzzTest(maxDuration = "10s")
    void relayLinkPort(byte[] input) {
        AtomicInteger asked = new AtomicInteger();
        AgentAdmission refuseAll = (hello, key, remote) -> {
            asked.incrementAndGet();
            return new LinkMessage.Refusal(LinkMessage.Reason.NOT_ENROLLED, "test");
        };
        EmbeddedChannel ch = new EmbeddedChannel(new LinkAcceptDispatch(
                () -> new AgentAcceptHandshake(refuseAll, Runnable::run, link -> {
                    throw new AssertionError("a link was admitted on fuzzed bytes");
                }),
                () -> new ClientAcceptHandshake(ClientAdmission.NONE, Runnable::run, PIN, "test"),
                null));
        feed(ch, input);
        // With no TLS there is no client certificate: no Hello may reach the admission.
        assertThat(asked).hasValue(0);
        assertThat(ch.isOpen() && input.length > UNDECIDED_BOUND)
                .as("held open past one frame")
                .isFalse();
        for (ByteBuf sent : outbound(ch)) {
            LinkMessage m = LinkCodec.decode(Frames.take(sent));
            assertThat(m).isInstanceOfAny(LinkMessage.Challenge.class, LinkMessage.Refusal.class);
        }
        ch.finishAndReleaseAll();
    }

    @FuzzTest(maxDuration = "10s")
    void agentReadingTheRelay(byte[] input) {
        EmbeddedChannel ch = new EmbeddedChannel();
        Promise<Channel> linked = ch.eventLoop().newPromise();
        var hello = new LinkMessage.Hello(new DeviceName("pi"), new byte[0], List.of(), "test");
        ch.pipeline()
                .addLast(
                        AgentDialHandshake.NAME,
                        new AgentDialHandshake(hello, new ChannelInboundHandlerAdapter(), linked));
        feed(ch, input);
        if (linked.isSuccess()) {
            assertThat(LinkCodec.decode(firstFrame(input))).isInstanceOf(LinkMessage.Welcome.class);
        } else if (linked.isDone()) {
            assertThat(linked.cause()).isInstanceOfAny(IOException.class, LinkRefusedException.class);
            assertThat(ch.isOpen()).as("a failed handshake closes").isFalse();
        } else {
            assertThat(input.length).as("undecided only inside one frame").isLessThanOrEqualTo(UNDECIDED_BOUND);
        }
        ch.finishAndReleaseAll();
    }

    @FuzzTest(maxDuration = "10s")
    void clientReadingTheRelay(byte[] input) {
        EmbeddedChannel ch = new EmbeddedChannel();
        Promise<ClientLink> linked = ch.eventLoop().newPromise();
        AtomicInteger signatures = new AtomicInteger();
        Signer signer = new Signer() {
            public byte[] publicKey() {
                return new byte[] {0, 0, 0, 1, 'k'};
            }

            public byte[] sign(byte[] data) {
                signatures.incrementAndGet();
                assertThat(data.length).isLessThan(200);
                return new byte[] {0, 0, 0, 1, 's'};
            }

            public String describe() {
                return "test key";
            }
        };
        ch.pipeline()
                .addLast(
                        ClientDialHandshake.NAME,
                        new ClientDialHandshake(
                                "alice", CompletableFuture.completedFuture(signer), PIN, "test", linked));
        feed(ch, input);
        assertThat(signatures.get())
                .as("the user's key signs at most one challenge")
                .isLessThanOrEqualTo(1);
        if (linked.isSuccess()) {
            assertThat(signatures).hasValue(1);
        } else if (linked.isDone()) {
            assertThat(linked.cause()).isInstanceOfAny(IOException.class, LinkRefusedException.class);
        } else {
            assertThat(input.length).isLessThanOrEqualTo(2 * UNDECIDED_BOUND);
        }
        ch.finishAndReleaseAll();
    }

    /** Feeds the input in two pieces, split where its first byte says, so partial frames get exercised. */
    private static void feed(EmbeddedChannel ch, byte[] input) {
        int split = input.length == 0 ? 0 : (input[0] & 0xff) % (input.length + 1);
        if (split > 0) {
            ch.writeInbound(Unpooled.wrappedBuffer(input, 0, split));
        }
        if (ch.isOpen() && split < input.length) {
            ch.writeInbound(Unpooled.wrappedBuffer(input, split, input.length - split));
        }
        ch.runPendingTasks();
        // Past a Welcome the bytes are HTTP/2's: its codec answers garbage with GOAWAY and a close, and the link's
        // last handler ends it there. Anything escaping to the pipeline's tail is a finding.
        ch.checkException();
    }

    private static List<ByteBuf> outbound(EmbeddedChannel ch) {
        List<ByteBuf> out = new ArrayList<>();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            out.add((ByteBuf) o);
        }
        return out;
    }

    private static byte[] firstFrame(byte[] input) {
        return Frames.take(Unpooled.wrappedBuffer(input));
    }
}

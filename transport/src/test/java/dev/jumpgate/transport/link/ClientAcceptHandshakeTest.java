package dev.jumpgate.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.LinkCodec;
import dev.jumpgate.protocol.LinkMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ClientAcceptHandshakeTest {

    static final Fingerprint PIN = Fingerprint.of(new byte[] {1});

    @Test
    void loginThatFindsTheDatabaseQueueFullIsRefusedAsRelayBusy() {
        AtomicInteger asked = new AtomicInteger();
        ClientAdmission admission = (login, nonce, cert, remote) -> {
            asked.incrementAndGet();
            return ClientAdmission.NONE.admit(login, nonce, cert, remote);
        };
        Executor full = task -> {
            throw new RejectedExecutionException("queue full");
        };
        EmbeddedChannel ch = new EmbeddedChannel(new ClientAcceptHandshake(admission, full, PIN, "test"));

        ch.writeInbound(Unpooled.wrappedBuffer(LinkCodec.CLIENT_MAGIC));
        ByteBuf login = Frames.encode(
                ByteBufAllocator.DEFAULT,
                new LinkMessage.Login("alice", new byte[] {1}, new byte[] {2}, "test"),
                false);
        ch.writeInbound(login);
        ch.runPendingTasks();

        assertThat(decode(ch.readOutbound())).isInstanceOf(LinkMessage.Challenge.class);
        assertThat(decode(ch.readOutbound()))
                .isEqualTo(new LinkMessage.Refusal(
                        LinkMessage.Reason.UNAVAILABLE, "relay busy: too many logins waiting; try again in a minute"));
        assertThat(ch.isOpen()).isFalse();
        assertThat(asked).hasValue(0);
        ch.checkException();
        ch.finishAndReleaseAll();
    }

    private static LinkMessage decode(Object frame) {
        ByteBuf b = (ByteBuf) frame;
        try {
            return LinkCodec.decode(Frames.take(b));
        } finally {
            b.release();
        }
    }
}

package dev.jumpgate.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2DataFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many bulk sessions on one link: each DATA frame should carry a share worth a wake-up at the far end, not the
 * 1 KiB turns Netty's HTTP/2 hands busy streams by default (a device's sshd woke for every one of them).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LinkShareTest {

    private static final int STREAMS = 32;
    private static final int BYTES_EACH = 1024 * 1024;

    @Test
    void busyStreamsShareTheLinkInTurnsOfAtLeastSixteenKibibytes() throws Exception {
        ConcurrentLinkedQueue<Integer> frames = new ConcurrentLinkedQueue<>();
        try (LinkHarness relay = new LinkHarness()) {
            RelayLink link = relay.link("pi-busy", EchoStreams.handler());
            List<StreamProbe> probes = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                StreamProbe probe = StreamProbe.open(link, "pi-busy:22");
                probe.stream().pipeline().addFirst(new FrameSizes(frames));
                probe.awaitResponse();
                probes.add(probe);
            }
            byte[] data = new byte[BYTES_EACH];
            new Random(7).nextBytes(data);
            for (StreamProbe probe : probes) {
                probe.send(data, 64 * 1024, true, n -> {});
            }
            for (StreamProbe probe : probes) {
                probe.ended.get(30, TimeUnit.SECONDS);
                assertThat(probe.received.get()).isEqualTo(BYTES_EACH);
            }
        }
        long all = frames.stream().mapToLong(Integer::longValue).sum();
        long inLargeFrames = frames.stream()
                .filter(n -> n >= LinkSettings.SHARE_QUANTUM)
                .mapToLong(Integer::longValue)
                .sum();
        assertThat(all).isEqualTo((long) STREAMS * BYTES_EACH);
        assertThat(inLargeFrames)
                .as("bytes echoed back in DATA frames of 16 KiB or more, of %d in %d frames", all, frames.size())
                .isGreaterThanOrEqualTo(all / 2);
    }

    /** Notes the size of every DATA frame a stream receives, before the probe consumes it. */
    private static final class FrameSizes extends ChannelInboundHandlerAdapter {
        private final ConcurrentLinkedQueue<Integer> sizes;

        FrameSizes(ConcurrentLinkedQueue<Integer> sizes) {
            this.sizes = sizes;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2DataFrame data && data.content().isReadable()) {
                sizes.add(data.content().readableBytes());
            }
            ctx.fireChannelRead(msg);
        }
    }
}

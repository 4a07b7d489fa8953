package dev.jumpgate.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.transport.tls.TlsIdentity;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A welcome link carries streams the relay opens, each answered by the agent and carrying bytes intact. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LinkStreamTest {

    private LinkHarness relay;

    @BeforeEach
    void start() throws InterruptedException {
        relay = new LinkHarness();
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    @Test
    void welcomedAgentAnswersAStreamAndEightMegabytesRoundTripIntact() throws Exception {
        RelayLink link = relay.link("pi-kitchen", EchoStreams.handler());
        assertThat(link.device()).isEqualTo(new DeviceName("pi-kitchen"));
        assertThat(link.isActive()).isTrue();

        StreamProbe probe = StreamProbe.open(link, "pi-kitchen:22");
        Http2Headers answer = probe.awaitResponse();
        assertThat(StreamHeaders.isAccepted(answer))
                .as("status %s", answer.status())
                .isTrue();

        byte[] data = random(8 * 1024 * 1024, 1);
        probe.send(data, 64 * 1024, true, n -> {});
        probe.ended.get(30, TimeUnit.SECONDS);
        assertThat(probe.received.get()).isEqualTo(data.length);
        assertThat(probe.receivedDigest()).isEqualTo(StreamProbe.sha256(data));
    }

    @Test
    void admissionSeesTheHelloAndTheKeyTheAgentProvedOverTls() throws Exception {
        TlsIdentity agent = TlsIdentity.generate("agent");
        Channel agentSide = relay.dial(agent, relay.relayIdentity.fingerprint(), "pi-garage", EchoStreams.handler())
                .get(10, TimeUnit.SECONDS);
        assertThat(agentSide.isActive()).isTrue();
        assertThat(relay.asked).hasSize(1);
        LinkHarness.Seen seen = relay.asked.get(0);
        assertThat(seen.hello().device()).isEqualTo(new DeviceName("pi-garage"));
        assertThat(seen.hello().agentVersion()).isEqualTo("test-agent");
        assertThat(seen.key()).isEqualTo(agent.publicKey());
        assertThat(relay.links.poll(10, TimeUnit.SECONDS).device()).isEqualTo(new DeviceName("pi-garage"));
    }

    @Test
    void concurrentStreamsOnOneLinkKeepTheirBytesApart() throws Exception {
        RelayLink link = relay.link("pi-kitchen", EchoStreams.handler());
        List<StreamProbe> probes = new ArrayList<>();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            StreamProbe probe = StreamProbe.open(link, "pi-kitchen:22");
            byte[] data = random(256 * 1024 + i, 100 + i);
            probe.send(data, 4096, true, n -> {});
            probes.add(probe);
            sent.add(data);
        }
        for (int i = 0; i < probes.size(); i++) {
            probes.get(i).ended.get(20, TimeUnit.SECONDS);
            assertThat(probes.get(i).receivedDigest()).as("stream %d", i).isEqualTo(StreamProbe.sha256(sent.get(i)));
        }
    }

    @Test
    void closingTheAgentsEndIsSeenByTheRelay() throws Exception {
        Channel agentSide = relay.dial(
                        TlsIdentity.generate("agent"), relay.relayIdentity.fingerprint(), "pi", EchoStreams.handler())
                .get(10, TimeUnit.SECONDS);
        RelayLink link = relay.links.poll(10, TimeUnit.SECONDS);
        agentSide.close();
        assertThat(link.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(link.isActive()).isFalse();
    }
}

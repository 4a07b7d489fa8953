package dev.jumpgate.relay.client;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.relay.Access;
import dev.jumpgate.relay.link.Links;
import dev.jumpgate.relay.store.FreshStore;
import dev.jumpgate.transport.link.ClientAdmission;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class UserAdmissionTest extends FreshStore {

    UserAdmission admission;
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(UserAdmission.class);

    @BeforeEach
    void open() {
        Access access = new Access(store, new Links(store, Runnable::run));
        admission = new UserAdmission(store, access.logins(), login -> new ChannelInboundHandlerAdapter());
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void close() {
        logger.detachAppender(logged);
    }

    @Test
    void aLoginNameCannotForgeALogLine() {
        String forged = "alice\n12:00:00.000 INFO  Console: admin admin ran: user rm bob\u001b[2J";
        var decision = admission.admit(
                new LinkMessage.Login(forged, new byte[] {1, 2, 3}, new byte[0], "1.0"),
                new byte[32],
                Fingerprint.of(new byte[] {1}),
                new InetSocketAddress("127.0.0.1", 5555));

        assertThat(decision).isInstanceOf(ClientAdmission.Decision.Refused.class);
        assertThat(logged.list)
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.getFormattedMessage())
                        .doesNotContain("\n", "\r", "\u001b")
                        .contains("alice\\n12:00:00.000"));
    }
}

package dev.jumpgate.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLProtocolException;
import org.junit.jupiter.api.Test;

class LinkAcceptDispatchTest {

    @Test
    void aFailedHandshakeIsLoggedByTheCauseThatSaysWhatHappened() {
        // What JSSE raised on the relay when an agent gave up its handshake during a relink storm.
        var abandoned = new DecoderException(new SSLProtocolException("Unexpected exception")
                .initCause(new GeneralSecurityException(
                        "Unexpected plaintext alert received: Level: warning; Alert: user_canceled")));

        assertThat(LinkAcceptDispatch.reason(abandoned)).endsWith("user_canceled");
        assertThat(LinkAcceptDispatch.reason(new IOException("Connection reset")))
                .isEqualTo("Connection reset");
    }
}

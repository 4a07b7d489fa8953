package dev.jumpgate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class CausesTest {

    @Test
    void aTlsFailureIsToldByTheInnermostCauseBelowTheHandshakeException() {
        var pinMismatch = new DecoderException(new SSLHandshakeException("PKIX path building failed")
                .initCause(new CertificateException("relay presented SHA256:abc, pinned SHA256:def")));

        assertThat(Causes.tlsFailure(pinMismatch)).hasValue("relay presented SHA256:abc, pinned SHA256:def");
        assertThat(Causes.tlsFailure(new IOException("Connection reset"))).isEmpty();
    }

    @Test
    void theRootOfAnUnwrappedExceptionIsItself() {
        IOException reset = new IOException("Connection reset");
        assertThat(Causes.root(reset)).isSameAs(reset);
        assertThat(Causes.root(new DecoderException(reset))).isSameAs(reset);
    }
}

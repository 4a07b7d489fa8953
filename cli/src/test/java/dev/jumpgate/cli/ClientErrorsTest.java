package dev.jumpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClientErrorsTest {

    @Test
    void anErrorWithoutAMessageIsNamedByItsKindNotNull() {
        String said = stderrOf(() -> ClientErrors.run(() -> {
            throw new ClosedChannelException();
        }));
        assertThat(said).isEqualTo("jumpgate: ClosedChannelException\n");
    }

    @Test
    void anErrorWithAMessageSaysIt() {
        String said = stderrOf(() -> ClientErrors.run(() -> {
            throw new IOException("the relay closed the link");
        }));
        assertThat(said).isEqualTo("jumpgate: the relay closed the link\n");
    }

    @Test
    void aRelayErrorExitsWithItsOwnStatus() {
        int[] status = new int[1];
        stderrOf(() -> status[0] = ClientErrors.run(() -> {
            throw new IOException("gone");
        }));
        assertThat(status[0]).isEqualTo(ClientErrors.RELAY);
    }

    private static String stderrOf(Runnable r) {
        PrintStream was = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(was);
        }
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}

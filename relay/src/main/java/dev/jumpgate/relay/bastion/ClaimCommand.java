package dev.jumpgate.relay.bastion;

import dev.jumpgate.relay.console.FirstAdmin;
import dev.jumpgate.relay.console.Result;
import dev.jumpgate.relay.store.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.server.channel.ChannelSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@code first-admin} session may run: {@code claim}, with the token on stdin (never on the command line,
 * which the client's process list shows). Anything else, a shell included, is refused.
 */
final class ClaimCommand extends ResultCommand {

    private static final Logger log = LoggerFactory.getLogger(ClaimCommand.class);

    private final FirstAdmin firstAdmin;
    private final String commandLine;

    ClaimCommand(FirstAdmin firstAdmin, String commandLine) {
        super("claim");
        this.firstAdmin = firstAdmin;
        this.commandLine = commandLine;
    }

    @Override
    Result run(ChannelSession channel, InputStream in) {
        String file = "DATA/" + FirstAdmin.FILE;
        if (commandLine == null || !commandLine.strip().equals("claim")) {
            return failed(
                    FirstAdmin.USER + " may only claim this relay: ssh " + FirstAdmin.USER + "@RELAY claim < " + file);
        }
        PublicKey key = channel.getSession().getAttribute(LoginKeys.CLAIMANT_KEY);
        var remote = channel.getSession().getClientAddress();
        try {
            Result r = firstAdmin.claim(PublicKeyEntry.toString(key) + " first-admin", firstLine(in), Instant.now());
            if (r.exit() == 0) {
                log.info("first admin claimed from {} with key {}", remote, KeyUtils.getFingerPrint(key));
            } else {
                log.warn(
                        "first-admin claim from {} refused: {}", remote, r.err().strip());
            }
            return r;
        } catch (IOException | StoreException e) {
            return failed("claim failed: " + e.getMessage());
        }
    }

    private static Result failed(String why) {
        return new Result(1, "", why + "\n");
    }

    /** Up to the first newline or end of input, at most {@link FirstAdmin#MAX_INPUT} bytes. */
    static String firstLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        // The cap is checked before each read, not after: a byte read past it would be one more than the claim takes.
        while (line.size() < FirstAdmin.MAX_INPUT) {
            int b = in.read();
            if (b == -1 || b == '\n') {
                break;
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}

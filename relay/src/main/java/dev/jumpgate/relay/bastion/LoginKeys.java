package dev.jumpgate.relay.bastion;

import dev.jumpgate.relay.console.FirstAdmin;
import dev.jumpgate.relay.store.StoreBusyException;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Instant;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may log in: users with their keys ({@code users}), and, while the relay offers its first-admin claim, any
 * key as {@code first-admin}, which may then only run {@code claim} ({@link ClaimCommand}). A store too busy to
 * answer ends the login with a message rather than a bare "permission denied".
 */
final class LoginKeys implements PublickeyAuthenticator {

    private static final Logger log = LoggerFactory.getLogger(LoginKeys.class);
    /** The key a {@code first-admin} login proved, which its claim makes the admin's. */
    static final AttributeKey<PublicKey> CLAIMANT_KEY = new AttributeKey<>();

    private final FirstAdmin firstAdmin;
    private final PublickeyAuthenticator users;

    LoginKeys(FirstAdmin firstAdmin, PublickeyAuthenticator users) {
        this.firstAdmin = firstAdmin;
        this.users = users;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        if (username.equals(FirstAdmin.USER)) {
            if (!firstAdmin.isOpen(Instant.now())) {
                return false;
            }
            session.setAttribute(CLAIMANT_KEY, key);
            return true;
        }
        try {
            return users.authenticate(username, key, session);
        } catch (StoreBusyException e) {
            log.warn("login from {} refused: {}", session.getClientAddress(), e.getMessage());
            try {
                session.disconnect(SshConstants.SSH2_DISCONNECT_TOO_MANY_CONNECTIONS, e.getMessage());
            } catch (IOException closing) {
                // the session is going away either way
            }
            return false;
        }
    }
}

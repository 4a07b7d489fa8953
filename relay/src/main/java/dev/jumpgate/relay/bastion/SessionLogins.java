package dev.jumpgate.relay.bastion;

import dev.jumpgate.relay.Login;
import dev.jumpgate.relay.Logins;
import dev.jumpgate.relay.store.UserKey;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/** Binds each SSH session that logs in to the key it logged in with, for as long as the session lasts. */
final class SessionLogins implements SessionListener {

    static final AttributeRepository.AttributeKey<Login> LOGIN = new AttributeRepository.AttributeKey<>();

    private final Logins logins;

    SessionLogins(Logins logins) {
        this.logins = logins;
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event == Event.Authenticated) {
            if (session.getAttribute(LoginKeys.CLAIMANT_KEY) != null) {
                return; // first-admin is no user: it may run claim alone (ClaimCommand), and holds nothing to end
            }
            UserKey key = session.getAttribute(UserKeys.KEY);
            if (key == null) { // only public keys log in; a session without one is bound to nothing, so it ends
                session.close(true);
                return;
            }
            // On the session's own thread, before it reads the client's next message: no channel opens unbound.
            session.setAttribute(LOGIN, logins.open(key, () -> session.close(true)));
        }
    }

    @Override
    public void sessionClosed(Session session) {
        Login login = session.removeAttribute(LOGIN);
        if (login != null) {
            logins.closed(login);
        }
    }
}

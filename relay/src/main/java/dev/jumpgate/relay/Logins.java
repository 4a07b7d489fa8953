package dev.jumpgate.relay;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.relay.store.UserKey;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every open {@link Login}. After each change to users, keys or grants the console asks {@link #enforce}, which
 * ends the logins whose key no longer belongs to their user and the streams whose grant is gone, before the
 * command returns. Touches the store: not on an event loop.
 */
public final class Logins {

    private static final Logger log = LoggerFactory.getLogger(Logins.class);

    private final Set<Login> open = ConcurrentHashMap.newKeySet();
    private final Access access;

    Logins(Access access) {
        this.access = access;
    }

    /**
     * Records a login that has just proved it holds {@code key}; {@code close} ends the whole connection. The
     * key is checked again after the login is recorded, so a removal that raced with the login ends it either way.
     */
    public Login open(UserKey key, Runnable close) {
        Login login = new Login(key, close);
        open.add(login);
        if (!access.holds(key)) {
            end(login, "its key was taken away while it logged in");
        }
        return login;
    }

    /** The connection closed: forget it. */
    public void closed(Login login) {
        open.remove(login);
    }

    /** Ends what the store no longer allows; returns how many logins and streams that was. */
    public int enforce() {
        int ended = 0;
        for (Login login : open) {
            if (!access.holds(login.key())) {
                end(login, "key " + login.key().fingerprint() + " is no longer a key of user '" + login.user() + "'");
                ended++;
                continue;
            }
            for (Login.Opened o : login.opened()) {
                if (DeviceName.isValid(o.host())
                        && !access.mayReach(login.user(), DeviceName.parse(o.host()), o.port())) {
                    log.info("ending {}'s stream to {}:{}: its grant was revoked", login.user(), o.host(), o.port());
                    login.opened().remove(o);
                    o.close().run();
                    ended++;
                }
            }
        }
        return ended;
    }

    /** How many logins are open now. */
    public int size() {
        return open.size();
    }

    private void end(Login login, String why) {
        log.info("ending a login of {}: {}", login.user(), why);
        open.remove(login);
        login.opened().forEach(o -> o.close().run());
        login.close();
    }
}

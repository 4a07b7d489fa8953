package dev.jumpgate.relay.bastion;

import dev.jumpgate.relay.store.Store;
import dev.jumpgate.relay.store.UserKey;
import java.security.PublicKey;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * Users log in with the SSH keys the relay knows for them: the key must belong to the user name given. The key
 * accepted is kept on the session ({@link #KEY}), which is then bound to it (see {@link SessionLogins}).
 */
final class UserKeys implements PublickeyAuthenticator {

    /**
     * The key of the last accepted attempt. MINA asks this class right before it verifies each signature, so when
     * the session logs in this is the key whose signature verified.
     */
    static final AttributeRepository.AttributeKey<UserKey> KEY = new AttributeRepository.AttributeKey<>();

    private final Store store;

    UserKeys(Store store) {
        this.store = store;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        String[] entry = PublicKeyEntry.toString(key).split(" ", 3);
        if (entry.length < 2) {
            return false;
        }
        boolean theirs =
                store.userForKey(entry[0], entry[1]).map(username::equals).orElse(false);
        if (theirs) {
            session.setAttribute(KEY, new UserKey(username, entry[0], entry[1], null));
        }
        return theirs;
    }
}

package dev.jumpgate.relay.bastion;

import dev.jumpgate.relay.store.Store;
import java.security.PublicKey;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/** Users log in with the SSH keys the relay knows for them: the key must belong to the user name given. */
final class UserKeys implements PublickeyAuthenticator {

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
        return store.userForKey(entry[0], entry[1]).map(username::equals).orElse(false);
    }
}

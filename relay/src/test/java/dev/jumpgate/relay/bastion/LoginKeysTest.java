package dev.jumpgate.relay.bastion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jumpgate.relay.console.FirstAdmin;
import dev.jumpgate.relay.store.Store;
import dev.jumpgate.relay.store.StoreBusyException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginKeysTest {

    @TempDir
    Path dir;

    final List<String> calls = new ArrayList<>();
    /** A session that only records what the authenticator does to it. */
    final ServerSession session = (ServerSession) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {ServerSession.class}, (proxy, method, args) -> {
                calls.add(method.getName() + (args == null ? List.of() : List.of(args)));
                return method.getReturnType() == boolean.class ? false : null;
            });

    @Test
    void aStoreTooBusyToAnswerEndsTheLoginWithRelayBusyRatherThanPermissionDenied() throws Exception {
        PublickeyAuthenticator busy = (user, key, s) -> {
            throw new StoreBusyException("relay busy: 256 calls are already waiting");
        };

        assertThat(new LoginKeys(FirstAdmin.none(), busy).authenticate("alice", key(), session))
                .isFalse();

        assertThat(calls)
                .contains("disconnect[" + SshConstants.SSH2_DISCONNECT_TOO_MANY_CONNECTIONS
                        + ", relay busy: 256 calls are already waiting]");
    }

    @Test
    void firstAdminLogsInWithAnyKeyOnlyWhileTheClaimIsOpen() throws Exception {
        PublickeyAuthenticator nobody = (user, key, s) -> {
            throw new AssertionError("first-admin is no user to look up");
        };
        assertThat(new LoginKeys(FirstAdmin.none(), nobody).authenticate("first-admin", key(), session))
                .isFalse();

        try (Store store = Store.open(dir)) {
            FirstAdmin open = FirstAdmin.prepare(dir, store, Instant.now());
            PublicKey key = key();

            assertThat(new LoginKeys(open, nobody).authenticate("first-admin", key, session))
                    .isTrue();
            assertThat(calls).contains("setAttribute[" + LoginKeys.CLAIMANT_KEY + ", " + key + "]");
        }
    }

    private static PublicKey key() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
    }
}

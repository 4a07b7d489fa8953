package dev.jumpgate.agent.embedded;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public key logins: the {@link LoginPolicy} decides whose session it may be, then the key must be in that user's
 * {@code ~/.ssh/authorized_keys} or in one of the agent's {@code --authorized-keys} files. On success the session
 * remembers how to start the user's programs ({@link #LAUNCH}) and which key it was ({@link #KEY}).
 *
 * <p>MINA asks once per key the client offers, and again for the key the client then signs with: each refused key
 * is logged, a refused user name and unreadable files once per connection, and the login itself when MINA reports
 * the session authenticated.
 */
final class PublicKeyLogin implements PublickeyAuthenticator {

    private static final Logger log = LoggerFactory.getLogger(PublicKeyLogin.class);
    static final AttributeKey<Launch> LAUNCH = new AttributeKey<>();
    /** "SHA256:... from FILE:LINE", for the log line that says who logged in. */
    static final AttributeKey<String> KEY = new AttributeKey<>();

    private static final AttributeKey<String> REFUSAL_LOGGED = new AttributeKey<>();
    private static final AttributeKey<Boolean> PROBLEMS_LOGGED = new AttributeKey<>();

    private final LoginPolicy policy;
    private final List<Path> agentKeyFiles;

    PublicKeyLogin(LoginPolicy policy, List<Path> agentKeyFiles) {
        this.policy = policy;
        this.agentKeyFiles = List.copyOf(agentKeyFiles);
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        LoginPolicy.Decision decision = policy.decide(username);
        if (decision instanceof LoginPolicy.Decision.Refuse refuse) {
            refuseOnce(session, username, refuse.reason());
            return false;
        }
        LoginPolicy.Decision.Allow allow = (LoginPolicy.Decision.Allow) decision;
        if (allow.switchUser() && Launch.SETPRIV.isEmpty()) {
            refuseOnce(
                    session,
                    username,
                    "starting programs as another user needs setpriv (util-linux), which is" + " not installed");
            return false;
        }
        AuthorizedKeys.Found found = AuthorizedKeys.read(allow.account(), agentKeyFiles);
        var match = found.match(key);
        if (match.isEmpty()) {
            if (session.getAttribute(PROBLEMS_LOGGED) == null) {
                session.setAttribute(PROBLEMS_LOGGED, Boolean.TRUE);
                found.problems().forEach(p -> log.warn("embedded ssh: {}", p));
            }
            log.info(
                    "embedded ssh: refusing key {} for '{}': it is not in {} or {}",
                    KeyFiles.fingerprint(key),
                    LoginPolicy.printable(username),
                    allow.account().home().resolve(".ssh/authorized_keys"),
                    agentKeyFiles);
            return false;
        }
        session.setAttribute(LAUNCH, new Launch(allow.account(), allow.switchUser()));
        session.setAttribute(
                KEY, KeyFiles.fingerprint(key) + " from " + match.get().source());
        return true;
    }

    private static void refuseOnce(ServerSession session, String username, String reason) {
        String said = session.getAttribute(REFUSAL_LOGGED);
        if (said == null || !said.equals(username)) {
            session.setAttribute(REFUSAL_LOGGED, username);
            log.info("embedded ssh: refusing login as '{}': {}", LoginPolicy.printable(username), reason);
        }
    }
}

package dev.jumpgate.relay.bastion;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerConnectionService;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;

/**
 * Makes channel-open refusals carry their reason. MINA SSHD sends every failed channel open as "Generic error
 * while opening channel", which leaves a user staring at {@code ssh -v}; the reason a device channel was
 * refused is what tells them to ask for a grant or to check the device. A channel notes its reason here under
 * the client's channel id, and the connection service sends it in place of the generic text.
 */
final class OpenFailures extends ServerConnectionService {

    private final Map<Long, String> reasons = new ConcurrentHashMap<>();

    private OpenFailures(AbstractServerSession session) throws IOException {
        super(session);
    }

    static final ServerConnectionServiceFactory FACTORY = new ServerConnectionServiceFactory() {
        @Override
        public Service create(Session session) throws IOException {
            return new OpenFailures((AbstractServerSession) session);
        }
    };

    static void note(Session session, long clientChannelId, String reason) {
        if (session.getService(OpenFailures.class) instanceof OpenFailures service) {
            service.reasons.put(clientChannelId, reason);
        }
    }

    @Override
    protected IoWriteFuture sendChannelOpenFailure(
            Buffer buffer, long sender, int reasonCode, String message, String lang) throws IOException {
        String reason = reasons.remove(sender);
        return super.sendChannelOpenFailure(buffer, sender, reasonCode, reason != null ? reason : message, lang);
    }
}

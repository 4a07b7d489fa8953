package dev.jumpgate.ssh;

import dev.jumpgate.protocol.SshAlgorithms;
import dev.jumpgate.protocol.SshAlgorithms.CipherOffer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerFactoryManager;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.ServerSessionImpl;
import org.apache.sshd.server.session.SessionFactory;

/**
 * Makes a MINA server offer what {@link SshAlgorithms} names, identify itself without naming MINA, and shape its
 * cipher offer by the client's KEXINIT. An OpenSSH client sends its KEXINIT without waiting for the server's, so the
 * server holds its own until the client's has arrived and then offers what {@link CipherOffer} gives that client.
 *
 * <pre>
 *   client                                server
 *   SSH-2.0-OpenSSH_9.2 ──▶
 *                         ◀── SSH-2.0-jumpgate
 *   KEXINIT (its ciphers) ──▶             holds its KEXINIT until here, then
 *                         ◀── KEXINIT (ciphers shaped by the client's)
 * </pre>
 *
 * The relay's bastion and the agent's embedded server both apply it, each with its own {@link CipherOffer} and
 * compression, so that the two negotiate alike.
 */
public final class SshOffer {

    private SshOffer() {}

    public static void apply(SshServer sshd, CipherOffer ciphers, List<String> compression) {
        sshd.setKeyExchangeFactories(pick("key exchange", sshd.getKeyExchangeFactories(), SshAlgorithms.KEX));
        sshd.setCipherFactories(pick("cipher", sshd.getCipherFactories(), ciphers.all()));
        sshd.setMacFactories(pick("MAC", sshd.getMacFactories(), SshAlgorithms.MACS));
        sshd.setSignatureFactories(pick("signature", sshd.getSignatureFactories(), SshAlgorithms.SIGNATURES));
        sshd.setCompressionFactories(pick("compression", sshd.getCompressionFactories(), compression));
        CoreModuleProperties.SERVER_IDENTIFICATION.set(sshd, SshAlgorithms.IDENTIFICATION);
        sshd.setSessionFactory(new SessionFactory(sshd) {
            @Override
            protected ServerSessionImpl doCreateSession(IoSession io) throws Exception {
                return new ShapedSession(getServer(), io, ciphers);
            }
        });
    }

    /** {@code names} from MINA's defaults, in that order; a name MINA lacks is a build error, not a quiet gap. */
    private static <T extends NamedResource> List<T> pick(String kind, List<T> available, List<String> names) {
        return names.stream()
                .map(name -> available.stream()
                        .filter(f -> f.getName().equals(name))
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("MINA SSHD offers no " + kind + " " + name)))
                .toList();
    }

    private static final class ShapedSession extends ServerSessionImpl {

        private final CipherOffer ciphers;
        /** Our KEXINIT waits for the client's; read and written on the session's read path only. */
        private boolean held;

        ShapedSession(ServerFactoryManager server, IoSession io, CipherOffer ciphers) throws Exception {
            super(server, io);
            this.ciphers = ciphers;
        }

        @Override
        protected byte[] sendKexInit() throws Exception {
            if (!initialKexDone
                    && clientProposal.isEmpty()
                    && SshAlgorithms.waitsForClientKexInit(getClientVersion())) {
                held = true;
                return null;
            }
            return super.sendKexInit();
        }

        @Override
        protected void handleKexInit(Buffer buffer) throws Exception {
            if (!held) {
                super.handleKexInit(buffer);
                return;
            }
            held = false;
            receiveKexInit(buffer);
            super.sendKexInit();
            doKexNegotiation();
        }

        @Override
        protected Map<KexProposalOption, String> createProposal(String hostKeyTypes) throws IOException {
            Map<KexProposalOption, String> proposal = super.createProposal(hostKeyTypes);
            for (KexProposalOption direction : List.of(KexProposalOption.C2SENC, KexProposalOption.S2CENC)) {
                String client = clientProposal.getOrDefault(direction, "");
                proposal.put(direction, ciphers.nameList(client));
            }
            return proposal;
        }
    }
}

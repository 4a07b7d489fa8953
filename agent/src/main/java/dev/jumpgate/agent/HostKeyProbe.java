package dev.jumpgate.agent;

import dev.jumpgate.protocol.HostPort;
import java.io.IOException;
import java.net.ConnectException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientSession.ClientSessionEvent;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.kex.KexProposalOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns the SSH host keys the device's target actually presents, by starting a key exchange with it once per
 * host key algorithm and keeping the key it shows. Asking the server itself, rather than reading
 * /etc/ssh/*.pub, works for any sshd, any config and any user, and reports exactly what clients will see.
 * Algorithms the server's first key exchange did not offer are not tried: each such attempt is a failed
 * negotiation in the server's log.
 */
public final class HostKeyProbe {

    private static final Logger log = LoggerFactory.getLogger(HostKeyProbe.class);
    private static final List<String> ALGORITHMS = List.of("ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private HostKeyProbe() {}

    /** The target's host keys as OpenSSH public key lines ("ssh-ed25519 AAAA..."), possibly empty. */
    public static List<String> probe(HostPort target) {
        // An agent probes before every dial, and an SSH client costs its own I/O threads to start and stop: with
        // no sshd up, a plain connect answers the same for much less.
        if (PortCheck.refuses(target, TIMEOUT)) {
            log.debug("cannot read SSH host keys from {}: connection refused", target); // the caller says it once
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        SshClient client = SshClient.setUpDefaultClient();
        try {
            client.start();
            AtomicReference<List<String>> offered = new AtomicReference<>();
            for (String algorithm : ALGORITHMS) {
                if (offered.get() != null && !offered.get().contains(algorithm)) {
                    continue;
                }
                PublicKey key = keyFor(client, target, algorithm, offered);
                if (key != null) {
                    String line = PublicKeyEntry.toString(key);
                    if (!keys.contains(line)) {
                        keys.add(line);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // A probe that fails in any way leaves the Hello without keys; it must never end the agent's loop.
            log.warn("cannot read SSH host keys from {}: {}", target, e.toString());
        } finally {
            client.stop();
        }
        return keys;
    }

    private static PublicKey keyFor(
            SshClient client, HostPort target, String algorithm, AtomicReference<List<String>> offered)
            throws IOException {
        AtomicReference<PublicKey> seen = new AtomicReference<>();
        client.setServerKeyVerifier((session, address, key) -> {
            seen.set(key);
            String algorithms = session.getServerKexProposals().get(KexProposalOption.SERVERKEYS);
            if (algorithms != null) {
                offered.set(List.of(algorithms.split(",")));
            }
            return false; // we only wanted the key; refusing ends the session before authentication
        });
        client.setSignatureFactoriesNames(algorithm);
        try (ClientSession session = client.connect("probe", target.host(), target.port())
                .verify(TIMEOUT)
                .getSession()) {
            session.waitFor(EnumSet.of(ClientSessionEvent.CLOSED, ClientSessionEvent.WAIT_AUTH), TIMEOUT);
        } catch (IOException e) {
            if (seen.get() == null && isConnectFailure(e)) {
                throw e;
            }
        }
        return seen.get();
    }

    private static boolean isConnectFailure(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }
}

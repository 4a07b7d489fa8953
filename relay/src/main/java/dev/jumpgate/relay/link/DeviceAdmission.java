package dev.jumpgate.relay.link;

import dev.jumpgate.protocol.EnrollmentToken;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.LinkMessage;
import dev.jumpgate.protocol.LinkMessage.Reason;
import dev.jumpgate.relay.store.Store;
import dev.jumpgate.relay.store.StoreBusyException;
import dev.jumpgate.relay.store.StoreException;
import dev.jumpgate.relay.store.TokenCheck;
import dev.jumpgate.transport.link.AgentAdmission;
import dev.jumpgate.transport.link.LinkSettings;
import dev.jumpgate.transport.tls.TlsIdentity;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether an agent's link is welcome. A device is known by the public key its agent proved in TLS:
 * the first link presents a one-time token and binds the key to the device name; every later link must present
 * that same key. A second key for a known name is refused, whatever token it carries.
 */
public final class DeviceAdmission implements AgentAdmission {

    private static final Logger log = LoggerFactory.getLogger(DeviceAdmission.class);

    private final Store store;
    private final String version;

    public DeviceAdmission(Store store, String version) {
        this.store = store;
        this.version = version;
    }

    @Override
    public LinkMessage admit(LinkMessage.Hello hello, PublicKey agentKey, SocketAddress remote) {
        try {
            return decide(hello, agentKey, remote);
        } catch (StoreBusyException e) {
            // Retryable: the agent backs off and dials again; an enrolling agent's token is still unused.
            return refuse(hello, remote, Reason.UNAVAILABLE, e.getMessage());
        }
    }

    private LinkMessage decide(LinkMessage.Hello hello, PublicKey agentKey, SocketAddress remote) {
        Fingerprint key = TlsIdentity.keyFingerprint(agentKey);
        if (hello.enrolling()) {
            String hash = EnrollmentToken.secretHash(hello.enrollmentSecret());
            TokenCheck check;
            try {
                check = store.redeemToken(hash, hello.device(), key, hello.hostKeys(), Instant.now());
            } catch (StoreBusyException e) {
                throw e;
            } catch (StoreException e) {
                // Nothing was written: the token is still good for a corrected attempt.
                return refuse(
                        hello,
                        remote,
                        Reason.PROTOCOL,
                        "enrollment of " + hello.device() + " failed, the token" + " is still unused: "
                                + e.getMessage());
            }
            String why = switch (check) {
                case OK -> null;
                case UNKNOWN -> "enrollment token is not known to this relay";
                case USED ->
                    "enrollment token was already used, by another key: run agent enroll again with the"
                            + " --state of the attempt that used it, or ask an admin for `device rm " + hello.device()
                            + "` and a new `token create " + hello.device() + "`";
                case EXPIRED -> "enrollment token expired; create a new one with `token create " + hello.device() + "`";
                case WRONG_DEVICE -> "enrollment token was issued for another device";
                case DEVICE_TAKEN -> "device " + hello.device() + " is already enrolled with another key";
            };
            if (why != null) {
                log.warn("enrollment of {} from {} refused: {}", hello.device(), remote, why);
                Reason reason = check == TokenCheck.DEVICE_TAKEN ? Reason.KEY_MISMATCH : Reason.BAD_TOKEN;
                return new LinkMessage.Refusal(reason, why);
            }
            log.info("device {} enrolled from {} with key {}", hello.device(), remote, key);
            return welcome();
        }
        var device = store.device(hello.device());
        if (device.isEmpty()) {
            return refuse(
                    hello,
                    remote,
                    Reason.NOT_ENROLLED,
                    "device " + hello.device()
                            + " is not enrolled on this relay; enroll it with a token from `token create "
                            + hello.device() + "`");
        }
        if (!device.get().agentKey().matches(key)) {
            return refuse(
                    hello,
                    remote,
                    Reason.KEY_MISMATCH,
                    "device " + hello.device() + " is enrolled with another key; this agent is not that device");
        }
        store.setHostKeys(hello.device(), hello.hostKeys());
        store.touch(hello.device(), Instant.now());
        return welcome();
    }

    private LinkMessage welcome() {
        return new LinkMessage.Welcome(version, (int) LinkSettings.PING_INTERVAL.toSeconds());
    }

    private static LinkMessage refuse(LinkMessage.Hello hello, SocketAddress remote, Reason reason, String why) {
        log.warn("link from {} claiming {} refused: {}", remote, hello.device(), why);
        return new LinkMessage.Refusal(reason, why);
    }
}

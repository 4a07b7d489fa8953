package dev.jumpgate.protocol;

import java.util.List;

/**
 * The messages of the link handshakes (agent and client), exchanged once per link inside TLS before both sides
 * switch to HTTP/2.
 * See docs/PROTOCOL.md, "Link handshake".
 */
public sealed interface LinkMessage {

    /** Agent to relay: who I am, and for a first contact the enrollment secret. */
    record Hello(DeviceName device, byte[] enrollmentSecret, List<String> hostKeys, String agentVersion)
            implements LinkMessage {
        public Hello {
            enrollmentSecret = enrollmentSecret == null ? new byte[0] : enrollmentSecret.clone();
            hostKeys = List.copyOf(hostKeys);
        }

        public boolean enrolling() {
            return enrollmentSecret.length > 0;
        }

        @Override
        public byte[] enrollmentSecret() {
            return enrollmentSecret.clone();
        }

        @Override
        public String toString() {
            return "Hello[device=" + device + ", enrolling=" + enrolling() + ", hostKeys=" + hostKeys.size()
                    + ", agentVersion=" + agentVersion + "]";
        }
    }

    /** Relay to agent: accepted; HTTP/2 starts with the next byte, the relay speaking first as the client. */
    record Welcome(String relayVersion, int pingSeconds) implements LinkMessage {}

    /** Relay to agent or client: refused; the relay closes the link after sending this. */
    record Refusal(Reason reason, String detail) implements LinkMessage {}

    /**
     * Relay to client, first thing on a client link: a fresh nonce the client must sign. The nonce lives only as
     * long as this TLS connection, so a signature over it cannot be replayed on another.
     */
    record Challenge(byte[] nonce, String relayVersion) implements LinkMessage {
        public static final int NONCE_BYTES = 32;

        public Challenge {
            if (nonce.length != NONCE_BYTES) {
                throw new IllegalArgumentException("nonce must be " + NONCE_BYTES + " bytes");
            }
            nonce = nonce.clone();
        }

        @Override
        public byte[] nonce() {
            return nonce.clone();
        }
    }

    /**
     * Client to relay: I am {@code user}, holder of this SSH public key, and here is my SSH signature over
     * {@link #signedData(byte[], Fingerprint)}.
     */
    record Login(String user, byte[] publicKey, byte[] signature, String clientVersion) implements LinkMessage {
        public Login {
            publicKey = publicKey.clone();
            signature = signature.clone();
        }

        @Override
        public byte[] publicKey() {
            return publicKey.clone();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }

        /**
         * What a client signs: a context string, the relay's nonce and the relay certificate's fingerprint, so the
         * signature is good for this connection to this relay and nothing else.
         */
        public static byte[] signedData(byte[] nonce, Fingerprint relayCertificate) {
            return new WireWriter()
                    .str("jumpgate-client-login-v1")
                    .bytes(nonce)
                    .bytes(relayCertificate.sha256())
                    .toByteArray();
        }
    }

    /** Why a link was refused. Agents retry only the reasons that may pass by themselves. */
    enum Reason {
        /**
         * The relay knows no such device (a Hello without an enrollment secret for a name it has not enrolled), or
         * the agent presented no TLS client certificate. A key other than the enrolled one is {@link #KEY_MISMATCH}.
         * Not retried: {@code agent run} stops with the relay's reason.
         */
        NOT_ENROLLED(1, false),
        /** The device is enrolled with a different key: someone else claims this name. */
        KEY_MISMATCH(2, false),
        /** The token is unknown, used, expired, or for another device. */
        BAD_TOKEN(3, false),
        /** The relay is shutting down or overloaded. */
        UNAVAILABLE(4, true),
        /** The message broke the protocol. */
        PROTOCOL(5, false),
        /** A client's key is not the user's, or its signature does not verify. */
        NOT_AUTHENTICATED(6, false);

        public final int code;
        public final boolean retryable;

        Reason(int code, boolean retryable) {
            this.code = code;
            this.retryable = retryable;
        }

        static Reason of(int code) {
            for (Reason r : values()) {
                if (r.code == code) {
                    return r;
                }
            }
            throw new MalformedException("unknown refusal reason " + code);
        }
    }
}

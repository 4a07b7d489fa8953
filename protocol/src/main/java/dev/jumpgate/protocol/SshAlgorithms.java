package dev.jumpgate.protocol;

import java.util.List;

/**
 * What jumpgate's two SSH servers, the relay's bastion and the agent's embedded server, negotiate, by name: what
 * OpenSSH 9's sshd offers with its default settings, less what MINA SSHD does not implement (umac) and plus
 * mlkem768x25519-sha256, which newer OpenSSH offers. docs/SECURITY.md "Algorithms" lists every difference and why.
 */
public final class SshAlgorithms {

    /**
     * Sent after {@code SSH-2.0-}. It names neither the SSH library nor its version: that would tell whoever scans the
     * port which published flaws to try.
     */
    public static final String IDENTIFICATION = "jumpgate";

    public static final List<String> KEX = List.of(
            "sntrup761x25519-sha512",
            "sntrup761x25519-sha512@openssh.com",
            "mlkem768x25519-sha256",
            "curve25519-sha256",
            "curve25519-sha256@libssh.org",
            "ecdh-sha2-nistp256",
            "ecdh-sha2-nistp384",
            "ecdh-sha2-nistp521",
            "diffie-hellman-group-exchange-sha256",
            "diffie-hellman-group16-sha512",
            "diffie-hellman-group18-sha512",
            "diffie-hellman-group14-sha256");

    public static final List<String> CIPHERS = List.of(
            "chacha20-poly1305@openssh.com",
            "aes128-ctr",
            "aes192-ctr",
            "aes256-ctr",
            "aes128-gcm@openssh.com",
            "aes256-gcm@openssh.com");

    public static final List<String> MACS = List.of(
            "hmac-sha2-256-etm@openssh.com",
            "hmac-sha2-512-etm@openssh.com",
            "hmac-sha1-etm@openssh.com",
            "hmac-sha2-256",
            "hmac-sha2-512",
            "hmac-sha1");

    /**
     * Signatures, for host keys and for users' keys alike, as sshd's HostKeyAlgorithms and PubkeyAcceptedAlgorithms:
     * no {@code ssh-rsa} (RSA with SHA-1), which OpenSSH stopped accepting by default in 8.8.
     */
    public static final List<String> SIGNATURES = List.of(
            "ssh-ed25519-cert-v01@openssh.com",
            "ecdsa-sha2-nistp256-cert-v01@openssh.com",
            "ecdsa-sha2-nistp384-cert-v01@openssh.com",
            "ecdsa-sha2-nistp521-cert-v01@openssh.com",
            "rsa-sha2-512-cert-v01@openssh.com",
            "rsa-sha2-256-cert-v01@openssh.com",
            "ssh-ed25519",
            "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384",
            "ecdsa-sha2-nistp521",
            "sk-ssh-ed25519@openssh.com",
            "sk-ecdsa-sha2-nistp256@openssh.com",
            "rsa-sha2-512",
            "rsa-sha2-256");

    /** The relay carries bytes the inner session has already encrypted: compressing them only costs CPU. */
    public static final List<String> RELAY_COMPRESSION = List.of("none");

    /** As sshd: zlib only after authentication, so nothing a stranger sends reaches the decompressor. */
    public static final List<String> EMBEDDED_COMPRESSION = List.of("none", "zlib@openssh.com");

    /**
     * The relay's cipher offer to a client that lists AES-GCM: AES-GCM is what MINA runs fastest, and the relay only
     * wraps what the inner session already encrypts end to end.
     */
    public static final CipherOffer RELAY_CIPHERS =
            new CipherOffer(CIPHERS, List.of("aes128-gcm@openssh.com", "aes256-gcm@openssh.com"));

    /**
     * The embedded server's offer to a client that lists any AES: everything but chacha20-poly1305, which MINA runs
     * at about half its AES speed; OpenSSH clients then take aes128-ctr (docs/BENCHMARKS.md, "No chacha20").
     */
    public static final CipherOffer EMBEDDED_CIPHERS = new CipherOffer(
            CIPHERS,
            List.of("aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"));

    /**
     * Whether a server should wait for this client's KEXINIT before it sends its own, to shape the offer by it.
     * OpenSSH sends its KEXINIT right after the identification, without waiting for the server's, and takes
     * chacha20-poly1305 whenever offered; a client that waits for the server's KEXINIT first would wait forever, so
     * every other client gets the whole offer at once.
     */
    public static boolean waitsForClientKexInit(String clientIdentification) {
        return clientIdentification != null && clientIdentification.startsWith("SSH-2.0-OpenSSH_");
    }

    /**
     * A server's cipher offer, shaped by the client's own list. SSH takes the first cipher of the client's list that
     * the server offers, so the server can steer only by leaving ciphers out: a client that lists one of the
     * {@code preferred} ciphers is offered only those, any other client the whole list, as sshd would.
     */
    public record CipherOffer(List<String> all, List<String> preferred) {

        public CipherOffer {
            all = List.copyOf(all);
            preferred = List.copyOf(preferred);
            if (!all.containsAll(preferred)) {
                throw new IllegalArgumentException("preferred ciphers " + preferred + " are not all in " + all);
            }
        }

        /** The ciphers to offer, in one direction, a client whose KEXINIT lists {@code clientCiphers} for it. */
        public List<String> to(List<String> clientCiphers) {
            return clientCiphers.stream().anyMatch(preferred::contains) ? preferred : all;
        }

        /**
         * The offer as an SSH name-list, for a client whose KEXINIT sent {@code clientNameList}: whatever the peer
         * put there, empty names and unknown ones included.
         */
        public String nameList(String clientNameList) {
            return String.join(",", to(clientNameList.isEmpty() ? List.of() : List.of(clientNameList.split(","))));
        }
    }

    private SshAlgorithms() {}
}

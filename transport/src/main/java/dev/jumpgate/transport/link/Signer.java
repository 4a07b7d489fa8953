package dev.jumpgate.transport.link;

import java.io.IOException;

/** The user's SSH key as a client link needs it: its public blob, and signatures in SSH wire format. */
public interface Signer {

    /** The SSH public key blob (RFC 4253 §6.6): {@code string type, ...}. */
    byte[] publicKey();

    /** An SSH signature blob ({@code string algorithm, string signature}) over {@code data}. */
    byte[] sign(byte[] data) throws IOException;

    /** For messages: e.g. "ED25519 key SHA256:... (ssh-agent)". */
    String describe();
}

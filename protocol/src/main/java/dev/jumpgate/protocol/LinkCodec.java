package dev.jumpgate.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes {@link LinkMessage}s. Framing (the u32 length) is the transport's job; this class sees
 * one frame body at a time:
 *
 * <pre>
 *   Hello    0x01 | str device | bytes enrollment secret (empty: none) | u16 n | n x str host key | str version
 *   Welcome  0x02 | str relay version | u16 ping seconds
 *   Refusal  0x03 | u8 reason | str detail
 *   Challenge 0x04 | 32B nonce | str relay version
 *   Login    0x05 | str user | bytes SSH public key blob | bytes SSH signature blob | str version
 * </pre>
 *
 * A link starts with a 4-byte magic from the dialling side: {@link #MAGIC} from an agent, {@link #CLIENT_MAGIC}
 * from a client, so the relay can tell them (and HTTP requests, later) apart on one TLS port.
 */
public final class LinkCodec {

    /** "JGL1": jumpgate link, version 1. */
    public static final byte[] MAGIC = {'J', 'G', 'L', '1'};
    /** "JGC1": jumpgate client link, version 1. */
    public static final byte[] CLIENT_MAGIC = {'J', 'G', 'C', '1'};
    /** No handshake frame is larger: it holds a name, a secret and a few public keys. */
    public static final int MAX_FRAME = 32 * 1024;

    static final int MAX_HOST_KEYS = 16;
    static final int MAX_KEY_TEXT = 8 * 1024;

    private static final int HELLO = 1;
    private static final int WELCOME = 2;
    private static final int REFUSAL = 3;
    private static final int CHALLENGE = 4;
    private static final int LOGIN = 5;
    static final int MAX_KEY_BLOB = 4096;

    private LinkCodec() {}

    public static byte[] encode(LinkMessage message) {
        WireWriter w = new WireWriter();
        switch (message) {
            case LinkMessage.Hello h -> {
                w.u8(HELLO)
                        .str(h.device().value())
                        .bytes(h.enrollmentSecret())
                        .u16(h.hostKeys().size());
                h.hostKeys().forEach(w::str);
                w.str(h.agentVersion());
            }
            case LinkMessage.Welcome wel ->
                w.u8(WELCOME).str(wel.relayVersion()).u16(wel.pingSeconds());
            case LinkMessage.Refusal r -> w.u8(REFUSAL).u8(r.reason().code).str(r.detail());
            case LinkMessage.Challenge c -> w.u8(CHALLENGE).fixed(c.nonce()).str(c.relayVersion());
            case LinkMessage.Login l ->
                w.u8(LOGIN)
                        .str(l.user())
                        .bytes(l.publicKey())
                        .bytes(l.signature())
                        .str(l.clientVersion());
        }
        return w.toByteArray();
    }

    public static LinkMessage decode(byte[] frame) {
        if (frame.length > MAX_FRAME) {
            throw new MalformedException("link frame of " + frame.length + " bytes exceeds " + MAX_FRAME);
        }
        WireReader r = new WireReader(frame);
        int type = r.u8("message type");
        LinkMessage m = switch (type) {
            case HELLO -> decodeHello(r);
            case WELCOME -> new LinkMessage.Welcome(r.str("relay version", 64), r.u16("ping seconds"));
            case REFUSAL -> new LinkMessage.Refusal(LinkMessage.Reason.of(r.u8("reason")), r.str("detail", 1024));
            case CHALLENGE ->
                new LinkMessage.Challenge(
                        r.fixed(LinkMessage.Challenge.NONCE_BYTES, "nonce"), r.str("relay version", 64));
            case LOGIN ->
                new LinkMessage.Login(
                        r.str("user", 32),
                        r.bytes("public key", MAX_KEY_BLOB),
                        r.bytes("signature", MAX_KEY_BLOB),
                        r.str("client version", 64));
            default -> throw new MalformedException("unknown link message type " + type);
        };
        r.end("link message");
        return m;
    }

    private static LinkMessage.Hello decodeHello(WireReader r) {
        String name = r.str("device", 63);
        DeviceName device;
        try {
            device = DeviceName.parse(name);
        } catch (IllegalArgumentException e) {
            throw new MalformedException(e.getMessage());
        }
        byte[] secret = r.bytes("enrollment secret", EnrollmentToken.SECRET_BYTES);
        int n = r.u16("host key count");
        if (n > MAX_HOST_KEYS) {
            throw new MalformedException(n + " host keys, limit " + MAX_HOST_KEYS);
        }
        List<String> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add(r.str("host key", MAX_KEY_TEXT));
        }
        return new LinkMessage.Hello(device, secret, keys, r.str("agent version", 64));
    }
}

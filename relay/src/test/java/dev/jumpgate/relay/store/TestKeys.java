package dev.jumpgate.relay.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/** Public key lines shaped like OpenSSH's (the blob starts with its type), distinct per seed. */
final class TestKeys {

    private TestKeys() {}

    static String blob(String type, int seed) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        byte[] key = new byte[32];
        new Random(seed).nextBytes(key);
        ByteBuffer b = ByteBuffer.allocate(4 + name.length + 4 + key.length);
        b.putInt(name.length).put(name).putInt(key.length).put(key);
        return Base64.getEncoder().encodeToString(b.array());
    }

    static String line(String type, int seed, String comment) {
        String line = type + " " + blob(type, seed);
        return comment == null ? line : line + " " + comment;
    }

    static String ed25519(int seed) {
        return line("ssh-ed25519", seed, "user" + seed + "@laptop");
    }
}

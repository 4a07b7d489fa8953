package dev.jumpgate.agent;

import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.Fingerprint;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.transport.tls.PrivateDirectory;
import dev.jumpgate.transport.tls.TlsIdentity;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What an enrolled agent remembers, in its state directory: which relay (address and pinned certificate),
 * which device it is, and its own key pair. The private key never leaves this directory, which is the agent's user's
 * alone: created 0700 with its files 0600, and refused at load if others may read it ({@link PrivateDirectory}).
 *
 * <pre>
 *   STATE/agent.properties   device, relay, relay-pin; written last, when the relay has welcomed the agent
 *   STATE/agent.key          the agent's private key (PEM, mode 600), written before the token is presented
 *   STATE/agent.crt          its self-signed certificate, presented to the relay
 * </pre>
 */
public record AgentState(DeviceName device, HostPort relay, Fingerprint relayPin, TlsIdentity identity) {

    static final String PROPERTIES = "agent.properties";
    static final String KEY = "agent.key";
    static final String CERTIFICATE = "agent.crt";

    public static AgentState load(Path dir) throws IOException {
        Path props = dir.resolve(PROPERTIES);
        if (!Files.exists(props)) {
            throw new IOException("no enrolled agent in " + dir + ": run `jumpgate agent enroll --state " + dir
                    + " < TOKEN_FILE` first");
        }
        PrivateDirectory.check(dir);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(props)) {
            p.load(r);
        }
        try {
            return new AgentState(
                    DeviceName.parse(p.getProperty("device")),
                    HostPort.parse(p.getProperty("relay")),
                    Fingerprint.parse(p.getProperty("relay-pin")),
                    TlsIdentity.load(dir.resolve(KEY), dir.resolve(CERTIFICATE)));
        } catch (IllegalArgumentException e) {
            throw new IOException(props + " is damaged: " + e.getMessage() + "; enroll again", e);
        }
    }

    public static boolean exists(Path dir) {
        return Files.exists(dir.resolve(PROPERTIES));
    }

    public void save(Path dir) throws IOException {
        PrivateDirectory.create(dir);
        identity.save(dir.resolve(KEY), dir.resolve(CERTIFICATE));
        Properties p = new Properties();
        p.setProperty("device", device.value());
        p.setProperty("relay", relay.toString());
        p.setProperty("relay-pin", relayPin.toString());
        StringWriter w = new StringWriter();
        p.store(w, "jumpgate agent state; the private key is agent.key");
        TlsIdentity.writePrivate(dir.resolve(PROPERTIES), w.toString());
    }
}

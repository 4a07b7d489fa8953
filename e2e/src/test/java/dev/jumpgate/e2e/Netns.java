package dev.jumpgate.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * A network namespace the test makes for a device, joined to this one by a veth pair on a /30 of 198.18.0.0/15
 * (addresses set aside for tests, RFC 2544): {@link #hostAddress} on this side, {@link #nsAddress} inside, and
 * no default route, so the namespace reaches nothing but that /30. The /30 and the names come from this JVM's
 * pid and a slot per test class, so runs side by side do not collide. {@link #close} removes the namespace with
 * everything inside it (processes aside: the lab closes those), and the veth pair with it.
 */
final class Netns implements AutoCloseable {

    final String name;
    final String hostAddress;
    final String nsAddress;
    private final String hostIf;

    /** @param base the /30's network address: this side takes the first host address, the namespace the second */
    private Netns(String name, long base) {
        this.name = name;
        this.hostIf = name + "h";
        this.hostAddress = dotted(base + 1);
        this.nsAddress = dotted(base + 2);
    }

    /** Makes the namespace, or skips the test when this is not root or has no {@code ip}. */
    static Netns create(int slot) throws Exception {
        long pid = ProcessHandle.current().pid();
        assumeTrue(
                Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "iproute2's ip is not installed: the test needs a network namespace");
        String tag = "jg" + slot + "x" + pid % 1_000_000;
        Ssh.Result add = Ssh.run(List.of("ip", "netns", "add", tag), null, Duration.ofSeconds(10));
        assumeTrue(add.exit() == 0, "cannot create a network namespace (needs root): " + add.err());
        long subnet = (pid % 8192) * 4 + slot; // one /30 per (pid, slot) in 198.18.0.0/15: 32768 of them
        long base = (198L << 24 | 18L << 16) + subnet * 4;
        Netns ns = new Netns(tag, base);
        try {
            Lab.run(List.of("ip", "link", "add", ns.hostIf, "type", "veth", "peer", "name", tag + "n"));
            Lab.run(List.of("ip", "link", "set", tag + "n", "netns", tag));
            Lab.run(List.of("ip", "addr", "add", ns.hostAddress + "/30", "dev", ns.hostIf));
            Lab.run(List.of("ip", "link", "set", ns.hostIf, "up"));
            ns.run("ip", "addr", "add", ns.nsAddress + "/30", "dev", tag + "n");
            ns.run("ip", "link", "set", tag + "n", "up");
            ns.run("ip", "link", "set", "lo", "up");
        } catch (Exception | AssertionError e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    private static String dotted(long a) {
        return (a >> 24 & 255) + "." + (a >> 16 & 255) + "." + (a >> 8 & 255) + "." + (a & 255);
    }

    /** The namespace's /30, as {@code ip route} prints it. */
    String subnet() {
        String[] q = hostAddress.split("\\.");
        return q[0] + "." + q[1] + "." + q[2] + "." + (Integer.parseInt(q[3]) - 1) + "/30";
    }

    /** Runs {@code command} inside the namespace; it must succeed. */
    void run(String... command) throws Exception {
        Lab.run(inside(command));
    }

    /** Runs {@code command} inside the namespace and returns what it did. */
    Ssh.Result exec(String... command) throws Exception {
        return Ssh.run(inside(command), null, Duration.ofSeconds(30));
    }

    List<String> inside(String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(command));
        return cmd;
    }

    /** {@code jumpgate ARGS} inside the namespace, kept by {@code lab} to be closed with it. */
    Proc jumpgate(Lab lab, String procName, String... args) throws Exception {
        return lab.adopt(Proc.start(
                lab.dir.resolve("logs"),
                procName,
                inside(Proc.jumpgateCommand(args).toArray(String[]::new))));
    }

    /** The lab's device sshd configuration, run inside the namespace on its loopback at {@code port}. */
    void startSshd(Lab lab, int port) throws Exception {
        Path dir = lab.dir.resolve("device-sshd");
        Path config = dir.resolve("sshd_config_" + name);
        Files.writeString(
                config,
                Files.readString(dir.resolve("sshd_config"))
                        .replaceAll("(?m)^Port .*$", "Port " + port)
                        .replaceAll("(?m)^PidFile .*$", "PidFile " + dir.resolve("sshd-" + name + ".pid")));
        lab.adopt(Proc.start(
                lab.dir.resolve("logs"),
                "sshd-" + name,
                inside("/usr/sbin/sshd", "-D", "-e", "-f", config.toString())));
        Awaitility.await("sshd listens in " + name)
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() ->
                        exec("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port).exit() == 0);
    }

    @Override
    public void close() throws Exception {
        Ssh.run(List.of("ip", "link", "del", hostIf), null, Duration.ofSeconds(10));
        Ssh.run(List.of("ip", "netns", "del", name), null, Duration.ofSeconds(10));
    }
}

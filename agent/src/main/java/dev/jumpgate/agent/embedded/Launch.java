package dev.jumpgate.agent.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How the programs of one login start: as which user, with which environment, in which directory. The
 * environment is built from nothing, as sshd does, so nothing of the agent's own (its settings, anything a service
 * manager gave it) reaches the user's programs; the client adds only what the {@link EnvAllowList} lets through.
 *
 * <p>When a root agent serves another user, every program starts through {@code setpriv --reuid --regid
 * --init-groups}, which drops root (and its capabilities) before the program runs; {@code setpriv} is util-linux,
 * present wherever {@code su} is.
 */
record Launch(Account account, boolean switchUser) {

    static final Optional<Path> SETPRIV = Stream.of("/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv")
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst();
    private static final String USER_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/games";
    private static final String ROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** {@code program}, started as the login's user. */
    List<String> argv(List<String> program) {
        if (!switchUser) {
            return program;
        }
        List<String> argv = new ArrayList<>(List.of(
                SETPRIV.orElseThrow(() -> new IllegalStateException(
                                "setpriv (util-linux) is needed to start programs as " + account.name()))
                        .toString(),
                "--reuid=" + account.uid(),
                "--regid=" + account.gid(),
                "--init-groups",
                "--"));
        argv.addAll(program);
        return argv;
    }

    /** The user's shell as a login shell, for {@code ssh DEVICE}. */
    List<String> loginShell() {
        return argv(List.of(account.shell(), "-l"));
    }

    /** The user's shell running one command line, for {@code ssh DEVICE COMMAND}, as sshd does it. */
    List<String> command(String commandLine) {
        return argv(List.of(account.shell(), "-c", commandLine));
    }

    /** Where programs start: the user's home, or / when it is missing (as sshd says "Could not chdir"). */
    Path directory() {
        return Files.isDirectory(account.home()) ? account.home() : Path.of("/");
    }

    /**
     * The session's environment: the client's allowed variables, then what a login sets, which the client cannot
     * override. {@code term} is the terminal type of the session's PTY; null without one.
     */
    Map<String, String> environment(Map<String, String> fromClient, EnvAllowList allowed, String term, Peer peer) {
        Map<String, String> env = new LinkedHashMap<>();
        fromClient.forEach((k, v) -> {
            if (allowed.allows(k) && v != null && v.indexOf('\0') < 0) {
                env.put(k, v);
            }
        });
        env.put("HOME", account.home().toString());
        env.put("USER", account.name());
        env.put("LOGNAME", account.name());
        env.put("SHELL", account.shell());
        env.put("PATH", account.isRoot() ? ROOT_PATH : USER_PATH);
        // bash reads ~/.bashrc for `ssh DEVICE COMMAND` only when it sees SSH_CLIENT, as under sshd; PATH
        // additions there are what makes `rsync` and friends found.
        env.put("SSH_CLIENT", peer.clientHost() + " " + peer.clientPort() + " " + peer.serverPort());
        env.put(
                "SSH_CONNECTION",
                peer.clientHost() + " " + peer.clientPort() + " " + peer.serverHost() + " " + peer.serverPort());
        if (term != null) {
            env.put("TERM", term);
        }
        return env;
    }

    /**
     * Both ends of the SSH connection as the server sees them. Behind the agent the client end is the agent's own
     * loopback socket: the user's real address is known only to the relay.
     */
    record Peer(String clientHost, int clientPort, String serverHost, int serverPort) {}
}

package dev.jumpgate.agent.embedded;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to start one session's program: its argv (already wrapped to switch user), environment and
 * directory, and for a PTY the terminal size the client asked for. {@code label} names the session in thread
 * names and log lines.
 */
record Spawn(
        String label,
        Account account,
        List<String> argv,
        Map<String, String> env,
        Path directory,
        int columns,
        int rows) {

    Spawn {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }
}

package dev.jumpgate.agent.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Ends what a session left running when its client went away. For a PTY session that is the shell's whole
 * session: an interactive shell puts each job in a process group of its own, but all stay in the session the
 * shell leads. Otherwise it is the command and its descendants. First SIGTERM, then SIGKILL after a grace
 * period, so a program that ignores signals cannot outlive its client; a program that left the session on
 * purpose ({@code setsid}, a daemon, a tmux server) is not touched.
 */
final class Reaper {

    static final Duration GRACE = Duration.ofSeconds(2);
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("embedded-reaper").daemon().unstarted(r));

    private Reaper() {}

    /** Ends every process in the session that {@code leaderPid} leads (a PTY's shell). */
    static void endSession(long leaderPid) {
        terminate(sessionMembers(leaderPid));
        LATER.schedule(
                () -> sessionMembers(leaderPid).forEach(ProcessHandle::destroyForcibly),
                GRACE.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Ends {@code leader} and its descendants (a command without a PTY). */
    static void endTree(ProcessHandle leader) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(leader);
        leader.descendants().forEach(tree::add);
        terminate(tree);
        LATER.schedule(
                () -> tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly),
                GRACE.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private static void terminate(List<ProcessHandle> processes) {
        long self = ProcessHandle.current().pid();
        processes.stream().filter(p -> p.pid() != self).forEach(ProcessHandle::destroy);
    }

    /**
     * The processes whose session id is {@code sid}, from /proc. Linux keeps a session's id from being reused
     * while any process is in it, so this never reaches a stranger. Empty where there is no /proc.
     */
    static List<ProcessHandle> sessionMembers(long sid) {
        long self = ProcessHandle.current().pid();
        List<ProcessHandle> members = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(d -> d.getFileName().toString().matches("[0-9]+"))
                    .toList()) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == self) {
                    continue;
                }
                try {
                    OptionalLong session = sessionOf(Files.readString(p.resolve("stat")));
                    if (session.isPresent() && session.getAsLong() == sid) {
                        ProcessHandle.of(pid).ifPresent(members::add);
                    }
                } catch (IOException gone) {
                    // the process exited while we looked
                }
            }
        } catch (IOException e) {
            ProcessHandle.of(sid).ifPresent(members::add);
        }
        return members;
    }

    /**
     * The session id in a {@code /proc/PID/stat} line: {@code pid (comm) state ppid pgrp session ...}. The command
     * name may hold spaces and parentheses, so fields are counted after the last ')'.
     */
    static OptionalLong sessionOf(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return OptionalLong.empty();
        }
        String[] f = stat.substring(close + 1).trim().split("\\s+");
        if (f.length < 4 || !f[3].matches("-?[0-9]+")) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(f[3]));
    }
}

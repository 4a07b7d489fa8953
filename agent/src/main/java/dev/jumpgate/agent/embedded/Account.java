package dev.jumpgate.agent.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A user account on the device, as {@code getent passwd} describes it. */
public record Account(String name, long uid, long gid, Path home, String shell) {

    static final String FALLBACK_SHELL = "/bin/sh";

    public Account {
        if (shell == null || shell.isBlank()) {
            shell = FALLBACK_SHELL; // an empty passwd shell field means /bin/sh, as login(1) reads it
        }
    }

    public boolean isRoot() {
        return uid == 0;
    }

    /** One passwd line, {@code name:x:uid:gid:gecos:home:shell}; empty if it is not one. */
    static Optional<Account> parsePasswd(String line) {
        String[] f = line.strip().split(":", -1);
        if (f.length != 7
                || f[0].isEmpty()
                || !f[2].matches("[0-9]{1,10}")
                || !f[3].matches("[0-9]{1,10}")
                || f[5].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Account(f[0], Long.parseLong(f[2]), Long.parseLong(f[3]), Path.of(f[5]), f[6]));
    }

    /** The account named {@code name}, through NSS (so LDAP and systemd-homed users count), if it exists. */
    static Optional<Account> lookup(String name) {
        if (!name.matches("[A-Za-z0-9._][A-Za-z0-9._-]{0,31}\\$?")) {
            return Optional.empty(); // not a user name any useradd accepts; never hand it to a program
        }
        try {
            Process p = new ProcessBuilder("getent", "passwd", name)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return Optional.empty();
            }
            return out.lines()
                    .findFirst()
                    .flatMap(Account::parsePasswd)
                    .filter(a -> a.name().equals(name));
        } catch (IOException e) {
            return Optional.empty(); // no getent: only the agent's own account is known
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The account this agent runs as. */
    static Account current() {
        String name = System.getProperty("user.name");
        return lookup(name)
                .orElseGet(() -> new Account(
                        name,
                        currentUid(),
                        -1,
                        Path.of(System.getProperty("user.home")),
                        Optional.ofNullable(System.getenv("SHELL")).orElse(FALLBACK_SHELL)));
    }

    private static long currentUid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }
}

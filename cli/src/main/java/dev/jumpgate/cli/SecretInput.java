package dev.jumpgate.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where a secret the user hands a command comes from: a file ({@code -} for standard input), an environment
 * variable, or, with a warning, the command line, which every local user can read in the process list while the
 * command runs. The warning names where to put it instead and never echoes the secret.
 *
 * @param what what the secret is, for messages ("enrollment token")
 * @param fileOption the option that names its file ("--token-file")
 * @param envName the environment variable that may hold it
 */
record SecretInput(String what, String fileOption, String envName) {

    /** A secret larger than this is not what the user meant to hand over (a binary, a log) and is refused. */
    static final int MAX_BYTES = 64 * 1024;

    /** The process's own standard input, environment and terminal. */
    record Sources(
            Map<String, String> env, InputStream stdin, Supplier<Optional<Console>> terminal, PrintStream stderr) {
        static Sources system() {
            return new Sources(System.getenv(), System.in, SecretInput::terminal, System.err);
        }
    }

    /**
     * The secret from exactly one of: {@code argument} (warned about), {@code file}, the environment; with none of
     * them, standard input (a prompt without echo on a terminal). Empty if {@code required} is false and none
     * was given.
     */
    Optional<String> read(String argument, Path file, boolean required, Sources in) {
        String fromEnv = in.env().get(envName);
        List<String> given = new ArrayList<>();
        if (argument != null) {
            given.add("the command line");
        }
        if (file != null) {
            given.add(fileOption);
        }
        if (fromEnv != null && !fromEnv.isEmpty()) {
            given.add(envName);
        }
        if (given.size() > 1) {
            throw bad("give the " + what + " one way, not through " + String.join(" and ", given));
        }
        String text;
        if (argument != null) {
            in.stderr()
                    .println("jumpgate: warning: the " + what + " on the command line can be read by every user of"
                            + " this machine while the command runs; pass it on standard input, with " + fileOption
                            + " FILE, or in " + envName + " instead");
            text = argument;
        } else if (file != null) {
            text = file.toString().equals("-") ? fromStream(in.stdin(), "standard input") : fromFile(file);
        } else if (fromEnv != null && !fromEnv.isEmpty()) {
            text = fromEnv;
        } else if (!required) {
            return Optional.empty();
        } else {
            Optional<Console> terminal = in.terminal().get();
            text = terminal.isPresent() ? prompt(terminal.get()) : fromStream(in.stdin(), "standard input");
        }
        String secret = text.strip();
        if (secret.isEmpty()) {
            throw bad("the " + what + " is empty; pass it on standard input, with " + fileOption + " FILE, or in "
                    + envName);
        }
        return Optional.of(secret);
    }

    private String prompt(Console console) {
        char[] typed = console.readPassword("%s: ", what);
        if (typed == null) {
            throw bad("no " + what + " was typed");
        }
        return new String(typed);
    }

    private String fromFile(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw bad(fileOption + " " + file + " is larger than " + MAX_BYTES + " bytes: not a " + what);
            }
            return firstLine(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw bad(fileOption + " " + file + " cannot be read: " + e.getMessage());
        }
    }

    private String fromStream(InputStream stream, String name) {
        try {
            byte[] bytes = stream.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw bad(name + " holds more than " + MAX_BYTES + " bytes: not a " + what);
            }
            return firstLine(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw bad(name + " cannot be read: " + e.getMessage());
        }
    }

    /** The first line that is not blank: a file may end with a newline, or hold the secret and a comment after. */
    private static String firstLine(String text) {
        try (BufferedReader r = new BufferedReader(new StringReader(text))) {
            return r.lines()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty())
                    .findFirst()
                    .orElse("");
        } catch (IOException e) {
            throw new IllegalStateException(e); // a StringReader does not fail
        }
    }

    private static IllegalArgumentException bad(String message) {
        return new IllegalArgumentException(message);
    }

    /**
     * The terminal, if standard input is one. Before Java 22 {@code System.console()} was null when redirected;
     * since then it is not, and only {@code Console.isTerminal()} (absent from Java 21) tells.
     */
    static Optional<Console> terminal() {
        Console c = System.console();
        if (c == null) {
            return Optional.empty();
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c) ? Optional.of(c) : Optional.empty();
        } catch (ReflectiveOperationException java21) {
            return Optional.of(c);
        }
    }
}

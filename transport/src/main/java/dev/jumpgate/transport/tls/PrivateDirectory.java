package dev.jumpgate.transport.tls;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A directory of secrets: the relay's {@code --data} and the agent's {@code --state}. It and everything in it are
 * created for the owner alone (mode 0700 and 0600, set at creation, so there is no moment in which others could
 * open them), and at start it is checked as ssh checks a private key: a directory or file that others may read
 * or write is refused with the {@code chmod} that fixes it. Certificates and {@code .pub} files are public by
 * nature and are not checked; neither are subdirectories, which the directory's own mode already closes.
 */
public final class PrivateDirectory {

    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final int GROUP_AND_OTHERS = 077;

    private PrivateDirectory() {}

    /** Creates {@code dir} (and any missing parent) for its owner alone if it is missing; never widens or narrows. */
    public static Path create(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        try {
            return Files.createDirectories(dir, attribute(DIRECTORY));
        } catch (UnsupportedOperationException notPosix) {
            return Files.createDirectories(dir);
        }
    }

    /** Creates an empty {@code file} readable by its owner alone, unless it exists. */
    public static void createFile(Path file) throws IOException {
        try {
            Files.createFile(file, attribute(FILE));
        } catch (FileAlreadyExistsException exists) {
            // as it was: check() judges its mode
        } catch (UnsupportedOperationException notPosix) {
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
        }
    }

    /**
     * Refuses {@code dir} if others may use it or read or write one of its files, naming the first such path, its
     * mode and the {@code chmod} that fixes it.
     */
    public static void check(Path dir) throws IOException {
        refuseIfOpen(dir, "700");
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path f : entries) {
                String name = f.getFileName().toString();
                if (Files.isRegularFile(f) && !name.endsWith(".pub") && !name.endsWith(".crt")) {
                    refuseIfOpen(f, "600");
                }
            }
        }
    }

    private static void refuseIfOpen(Path p, String fix) throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(p, "unix:mode");
        } catch (UnsupportedOperationException | IllegalArgumentException notPosix) {
            return; // no modes to judge on this file system
        }
        int open = mode & GROUP_AND_OTHERS;
        if (open == 0) {
            return;
        }
        String how = (open & 044) != 0 ? "readable" : (open & 022) != 0 ? "writable" : "usable";
        if ((open & 044) != 0 && (open & 022) != 0) {
            how = "readable and writable";
        }
        throw new IOException(p + " is " + how + " by others (mode " + String.format("%04o", mode & 07777)
                + "); run chmod " + fix + " " + p);
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> perms) {
        return PosixFilePermissions.asFileAttribute(perms);
    }
}

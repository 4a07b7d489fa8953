package dev.jumpgate.agent.embedded;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Reads a small file that decides who may log in as a user, with the checks of sshd's StrictModes, for an agent
 * that may run as root. Before it reads a byte: the file is opened without following a link and without blocking,
 * the opened file (not the path, which may have changed since) must be a regular file, owned by root or the user,
 * writable by no one else and no larger than the cap, and every directory above where it really lies, up to
 * {@code /}, must be owned by root or the user and writable by no one else.
 *
 * <p>Why native {@code open(2)}: Java opens with neither {@code O_NONBLOCK} nor a way to inspect what it opened,
 * so checking the path first and opening it second leaves a window in which the user swaps in a FIFO (the open
 * then blocks a server thread until someone writes to it) or a link to a file only root may read. Opening with
 * {@code O_NOFOLLOW|O_NONBLOCK} and then reading the attributes of {@code /proc/self/fd/N} closes that window:
 * the checks are about the very file that will be read, and nothing is read unless it is a regular file, which
 * cannot block.
 */
final class OwnedFile {

    /** What reading gave: the text, no file at all, or a refusal naming the file and the rule it broke. */
    sealed interface Result {
        record Text(String text) implements Result {}

        record Missing() implements Result {}

        record Refused(String reason) implements Result {}
    }

    private interface Libc extends Library {
        int open(String path, int flags) throws LastErrorException;

        NativeLong read(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final int ENOENT = 2;
    private static final int ENOTDIR = 20;
    private static final int ELOOP = 40;
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_ISVTX = 01000;
    private static final int WRITABLE_BY_OTHERS = 022;
    // open(2) flags differ between architectures: these are asm-generic's, with ARM's and POWER's O_NOFOLLOW.
    // MIPS, SPARC and others differ in more flags and get no guess.
    private static final String ARCH = System.getProperty("os.arch");
    private static final Set<String> ARM_OR_POWER = Set.of("aarch64", "arm", "ppc64", "ppc64le");
    private static final Set<String> GENERIC =
            Set.of("amd64", "x86_64", "x86", "i386", "riscv64", "s390x", "loongarch64");
    private static final int O_RDONLY = 0;
    private static final int O_NOCTTY = 0400;
    private static final int O_NONBLOCK = 04000;
    private static final int O_CLOEXEC = 02000000;
    private static final int O_NOFOLLOW = ARM_OR_POWER.contains(ARCH) ? 0100000 : 0400000;
    private static final boolean SUPPORTED =
            System.getProperty("os.name").equals("Linux") && (ARM_OR_POWER.contains(ARCH) || GENERIC.contains(ARCH));

    private static volatile Libc libc;

    private OwnedFile() {}

    /**
     * The text of {@code file}, read for the user {@code account}. With {@code asTheUser}, a file the user could
     * not read is refused too, since sshd reads the user's own files with the user's rights: without this a hard
     * link in the user's directory to a root-only file would pass the ownership check.
     */
    static Result read(Path file, Account account, boolean asTheUser, long maxBytes) {
        if (!SUPPORTED) {
            return new Result.Refused(file + ": the embedded server reads authorized_keys files only on Linux on"
                    + " x86, ARM, POWER, RISC-V, s390x and LoongArch, not on " + System.getProperty("os.name") + " "
                    + ARCH);
        }
        int fd;
        try {
            fd = libc().open(file.toString(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        } catch (LastErrorException e) {
            return switch (e.getErrorCode()) {
                case ENOENT, ENOTDIR -> new Result.Missing();
                case ELOOP ->
                    new Result.Refused(
                            file + " is a symbolic link, which is not followed (make it the" + " file itself)");
                default -> new Result.Refused(file + " cannot be opened: " + e.getMessage());
            };
        } catch (UnsatisfiedLinkError e) {
            return new Result.Refused(file + ": cannot call the C library to open it: " + e.getMessage());
        }
        try {
            Path opened = Path.of("/proc/self/fd/" + fd);
            String broken = fileRule(
                    file, Files.readAttributes(opened, "unix:mode,uid,gid,size"), account, asTheUser, maxBytes);
            if (broken == null) {
                broken = directoryRule(Files.readSymbolicLink(opened), account);
            }
            return broken != null ? new Result.Refused(broken) : readAll(fd, file, maxBytes);
        } catch (IOException e) {
            return new Result.Refused(file + " cannot be checked: " + e.getMessage());
        } finally {
            try {
                libc().close(fd);
            } catch (LastErrorException ignored) {
                // nothing was written through it: there is nothing a failed close could lose
            }
        }
    }

    private static String fileRule(
            Path file, Map<String, Object> a, Account account, boolean asTheUser, long maxBytes) {
        int mode = (Integer) a.get("mode");
        long uid = ((Number) a.get("uid")).longValue();
        if ((mode & S_IFMT) != S_IFREG) {
            return file + " is not a regular file";
        }
        if (uid != 0 && uid != account.uid()) {
            return file + " is owned by uid " + uid + ", neither root nor " + account.name() + " (chown "
                    + account.name() + " " + file + ")";
        }
        if ((mode & WRITABLE_BY_OTHERS) != 0) {
            return file + " may be written by others than its owner (mode " + octal(mode) + "; chmod go-w " + file
                    + ")";
        }
        if (asTheUser
                && uid != account.uid()
                && (mode & 04) == 0
                && !((mode & 040) != 0 && ((Number) a.get("gid")).longValue() == account.gid())) {
            return file + " is owned by root and " + account.name() + " could not read it (mode " + octal(mode) + ")";
        }
        if (((Number) a.get("size")).longValue() > maxBytes) {
            return file + " is larger than " + maxBytes + " bytes";
        }
        return null;
    }

    /**
     * Every directory above the file as it really lies. A root-owned directory with the sticky bit (/tmp) passes
     * although all may write it: there only an entry's owner may rename or remove it, so the next directory down,
     * which is checked itself, cannot be swapped.
     */
    private static String directoryRule(Path real, Account account) throws IOException {
        for (Path dir = real.getParent(); dir != null; dir = dir.getParent()) {
            Map<String, Object> a = Files.readAttributes(dir, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            long uid = ((Number) a.get("uid")).longValue();
            if (uid != 0 && uid != account.uid()) {
                return "directory " + dir + " is owned by uid " + uid + ", neither root nor " + account.name();
            }
            if ((mode & WRITABLE_BY_OTHERS) != 0 && !(uid == 0 && (mode & S_ISVTX) != 0)) {
                return "directory " + dir + " may be written by others than its owner (mode " + octal(mode)
                        + "; chmod go-w " + dir + ")";
            }
        }
        return null;
    }

    private static Result readAll(int fd, Path file, long maxBytes) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        try {
            long got;
            while (text.size() <= maxBytes
                    && (got = libc().read(fd, chunk, new NativeLong(chunk.length))
                                    .longValue())
                            > 0) {
                text.write(chunk, 0, (int) got);
            }
        } catch (LastErrorException e) {
            return new Result.Refused(file + " cannot be read: " + e.getMessage());
        }
        if (text.size() > maxBytes) {
            return new Result.Refused(file + " is larger than " + maxBytes + " bytes");
        }
        return new Result.Text(text.toString(StandardCharsets.UTF_8));
    }

    private static String octal(int mode) {
        return String.format("%04o", mode & 07777);
    }

    private static Libc libc() {
        Libc l = libc;
        if (l == null) {
            l = Native.load("c", Libc.class);
            libc = l;
        }
        return l;
    }
}

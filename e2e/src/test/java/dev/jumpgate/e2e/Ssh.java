package dev.jumpgate.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Runs an OpenSSH client program to completion, feeding stdin and collecting both outputs. */
final class Ssh {

    record Result(int exit, String out, String err) {}

    /** Threads that only wait on pipes; virtual, so twenty parallel clients need no pool sizing. */
    private static final ExecutorService IO = Executors.newVirtualThreadPerTaskExecutor();

    private Ssh() {}

    static Result run(List<String> command, byte[] stdin, Duration limit) throws Exception {
        Process p = new ProcessBuilder(command).start();
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        CompletableFuture.runAsync(
                () -> {
                    try (OutputStream in = p.getOutputStream()) {
                        if (stdin != null) {
                            in.write(stdin);
                        }
                    } catch (IOException e) {
                        // the program exited before reading all of it; its exit status tells the test
                    }
                },
                IO);
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(
                    command + " did not finish within " + limit + "; stderr: " + new String(err.getNow(new byte[0])));
        }
        return new Result(
                p.exitValue(), new String(out.get(10, TimeUnit.SECONDS)), new String(err.get(10, TimeUnit.SECONDS)));
    }

    private static CompletableFuture<byte[]> drain(InputStream s) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        ByteArrayOutputStream b = new ByteArrayOutputStream();
                        s.transferTo(b);
                        return b.toByteArray();
                    } catch (IOException e) {
                        return new byte[0];
                    }
                },
                IO);
    }
}

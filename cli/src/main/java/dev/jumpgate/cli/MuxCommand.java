package dev.jumpgate.cli;

import dev.jumpgate.client.ClientConfig;
import dev.jumpgate.client.RelayClient;
import dev.jumpgate.client.mux.MuxDial;
import dev.jumpgate.client.mux.MuxServer;
import dev.jumpgate.client.mux.MuxSocket;
import dev.jumpgate.client.mux.MuxStarter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jumpgate mux}: the client's shared link. {@code jumpgate proxy} starts it on first use and hands it each
 * connection after that (see {@link MuxServer}); these commands look at it and stop it.
 */
@Command(
        name = "mux",
        mixinStandardHelpOptions = true,
        description = {
            "The shared link that `jumpgate proxy` uses: started by the first proxy, it keeps one logged-in "
                    + "link to the relay, so that later ssh connections skip the client's start, TLS and login. "
                    + "It ends after 10 minutes without connections (JUMPGATE_MUX_PERSIST=SECONDS). "
                    + "JUMPGATE_MUX=no turns it off."
        },
        subcommands = {MuxCommand.Run.class, MuxCommand.Status.class, MuxCommand.Stop.class})
final class MuxCommand {

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = "Serve in the foreground (what `jumpgate proxy` starts, in the background).")
    static final class Run implements Callable<Integer> {

        private static final Logger log = LoggerFactory.getLogger("dev.jumpgate.mux");

        @Option(
                names = "--persist",
                defaultValue = "600",
                paramLabel = "SECONDS",
                description = "End after this long with no connection (default: ${DEFAULT-VALUE}).")
        long persist;

        @Override
        public Integer call() {
            return ClientErrors.run(() -> {
                ClientConfig config = ClientConfig.load();
                MuxSocket where = socket();
                where.secureDir();
                try (FileChannel pid =
                                FileChannel.open(where.lock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        FileLock lock = pid.tryLock()) {
                    if (lock == null) {
                        ClientErrors.say("a mux already serves this login; `jumpgate mux status` shows it");
                        return 0;
                    }
                    pid.truncate(0)
                            .write(ByteBuffer.wrap(
                                    (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
                    try (FileChannel logFile =
                            FileChannel.open(where.log(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                        logFile.truncate(0); // the log of this mux only; its output is appended to the file
                    }
                    RelayClient linked;
                    try {
                        linked = RelayClient.connect(config);
                    } catch (Exception e) {
                        MuxStarter.markFailed(where); // proxies dial by themselves (and say why) for a while
                        throw e;
                    }
                    try (RelayClient relay = linked) {
                        relay.stayLinked(log::info);
                        try (MuxServer mux = MuxServer.start(relay, where, Duration.ofSeconds(persist))) {
                            log.info(
                                    "mux (pid {}) serving {} on relay {} at {}",
                                    ProcessHandle.current().pid(),
                                    config.user(),
                                    config.link(),
                                    where.socket());
                            log.info("mux ended: {}", mux.ended().get());
                        }
                    }
                }
                return 0;
            });
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Say whether a mux serves this login, and how it is doing.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() {
            return ClientErrors.run(() -> {
                MuxSocket where = socket();
                Optional<MuxDial> mux = MuxDial.connect(where);
                if (mux.isEmpty()) {
                    Optional<Instant> retry = MuxStarter.retryAt(where);
                    System.out.println(
                            retry.isPresent()
                                    ? "no mux serves this login: the last one failed to start, "
                                            + "so proxies dial by themselves until "
                                            + LocalTime.ofInstant(retry.get(), ZoneId.systemDefault())
                                                    .truncatedTo(ChronoUnit.SECONDS)
                                            + " (see " + where.log() + "; `jumpgate mux run` tries now)"
                                    : "no mux serves this login; the next `jumpgate proxy` starts one (log: "
                                            + where.log() + ")");
                    return 1;
                }
                try (MuxDial m = mux.get()) {
                    System.out.println(m.ask("status").replaceFirst("^status ", "") + " socket=" + where.socket()
                            + " log=" + where.log());
                }
                return 0;
            });
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop this login's mux, if one runs.")
    static final class Stop implements Callable<Integer> {
        @Override
        public Integer call() {
            return ClientErrors.run(() -> {
                Optional<MuxDial> mux = MuxDial.connect(socket());
                if (mux.isEmpty()) {
                    System.out.println("no mux was running");
                    return 0;
                }
                try (MuxDial m = mux.get()) {
                    m.ask("stop");
                }
                System.out.println("mux stopped");
                return 0;
            });
        }
    }

    static MuxSocket socket() throws IOException, ClientConfig.NotLoggedInException {
        try {
            return MuxSocket.current(System.getenv())
                    .orElseThrow(() -> new IOException("the mux's socket path would be "
                            + "too long for a Unix socket; set XDG_RUNTIME_DIR to a shorter directory"));
        } catch (NoSuchFileException e) {
            throw new ClientConfig.NotLoggedInException(); // the socket is named after the login file
        }
    }
}

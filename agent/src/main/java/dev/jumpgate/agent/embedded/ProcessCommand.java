package dev.jumpgate.agent.embedded;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A program with plain pipes and no terminal: {@code ssh DEVICE COMMAND}, {@code rsync --server}, a shell fed by
 * a script, or {@code sftp-server} for another user. Its stdout and stderr travel as the channel's data and
 * extended data, EOF from the client closes its stdin, and its exit status is sent once both outputs ended.
 */
final class ProcessCommand extends ProgramCommand<Process> {

    private static final Logger log = LoggerFactory.getLogger(ProcessCommand.class);

    ProcessCommand(Spawn spawn) {
        super(spawn, "");
    }

    @Override
    Process launch() throws IOException {
        ProcessBuilder pb =
                new ProcessBuilder(spawn.argv()).directory(spawn.directory().toFile());
        pb.environment().clear();
        pb.environment().putAll(spawn.env());
        return pb.start();
    }

    @Override
    String cannotStart(String message) {
        return "jumpgate: cannot start " + spawn.argv().getFirst() + ": " + message + "\n";
    }

    @Override
    Drain connect(Process p, String name) {
        Thread stdout = Pump.start(name + "-out", p.getInputStream(), out, false);
        Thread stderr = Pump.start(name + "-err", p.getErrorStream(), err, false);
        Pump.start(name + "-in", in, p.getOutputStream(), true);
        return () -> {
            stdout.join();
            stderr.join();
        };
    }

    @Override
    void clientGone(Process p) {
        log.info("embedded ssh {}: client gone; ending pid {} and its children", spawn.label(), p.pid());
        Reaper.endTree(p.toHandle());
    }
}

package dev.jumpgate.agent.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sftp} subsystem, which {@code sftp} and OpenSSH 9's {@code scp} use. For the agent's own user it is
 * MINA's SFTP server inside the agent, starting in the user's home. For another user (a root agent) file access
 * must happen with that user's rights, which a thread of the agent cannot take on; so OpenSSH's
 * {@code sftp-server} runs as that user when it is installed, and the subsystem is refused when it is not.
 */
final class Sftp extends SftpSubsystemFactory {

    private static final Logger log = LoggerFactory.getLogger(Sftp.class);
    static final Optional<Path> SFTP_SERVER = Stream.of(
                    "/usr/lib/openssh/sftp-server",
                    "/usr/libexec/openssh/sftp-server",
                    "/usr/lib/ssh/sftp-server",
                    "/usr/libexec/sftp-server")
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst();

    private final Programs programs;

    Sftp(Programs programs) {
        this.programs = programs;
    }

    @Override
    public Command createSubsystem(ChannelSession channel) throws IOException {
        Launch launch = Programs.launch(channel);
        if (!launch.switchUser()) {
            SftpSubsystem sftp = new SftpInHome(channel, this, launch.directory());
            getRegisteredListeners().forEach(sftp::addSftpEventListener);
            return sftp;
        }
        if (SFTP_SERVER.isPresent()) {
            return programs.pipes(channel, List.of(SFTP_SERVER.get().toString()), "sftp-server");
        }
        log.warn(
                "embedded ssh: refusing sftp for {}: serving another user's files needs OpenSSH's sftp-server"
                        + " (apt-get install openssh-sftp-server), or run the agent as {}",
                launch.account().name(),
                launch.account().name());
        return null;
    }

    /** MINA's SFTP server with relative paths starting in the user's home, as with sshd. */
    private static final class SftpInHome extends SftpSubsystem {
        SftpInHome(ChannelSession channel, Sftp factory, Path home) {
            super(channel, factory);
            defaultDir = home;
        }
    }
}

package dev.jumpgate.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

/**
 * The commands' logging, set up in code: logs go to stderr (stdout is for what a command prints, a token or a device
 * list), {@code dev.jumpgate} at {@code JUMPGATE_LOG} (default INFO), the libraries at WARN. Logback's XML
 * configuration would load its configuration framework and an XML parser, about 600 classes that a long-running agent
 * keeps in memory for nothing. A {@code logback.configurationFile} property or a {@code logback-test.xml} on the class
 * path still takes over.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        context.getStatusManager().add(new NopStatusListener());
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{0}: %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        context.getLogger("dev.jumpgate").setLevel(Level.toLevel(level(), Level.INFO));
        context.getLogger("org.apache.sshd").setLevel(Level.WARN);
        context.getLogger("io.netty").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** As the XML had it, {@code ${JUMPGATE_LOG:-INFO}}: a system property first, then the environment. */
    private static String level() {
        String v = System.getProperty("JUMPGATE_LOG");
        if (v == null) {
            v = System.getenv("JUMPGATE_LOG");
        }
        return v == null || v.isBlank() ? "INFO" : v.trim();
    }
}

package dev.stockpipe.localstack;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * The CLI talks to the user with plain lines on stdout; its logs go to logs/local-stack.log and only
 * errors reach the console. Done here rather than in logback.xml because local-stack is also a test
 * library, whose users must keep their own logging.
 */
final class Logs {
    private Logs() {}

    /**
     * The embedded broker logs clients' protocol errors (a producer's fenced epoch, a bad sequence) at ERROR;
     * they are the clients' to handle and would bury the ready lines, so they go to the file only.
     */
    private static final ch.qos.logback.core.filter.Filter<ILoggingEvent> BROKER_INTERNALS = new ch.qos.logback.core.filter.Filter<>() {
        @Override
        public ch.qos.logback.core.spi.FilterReply decide(ILoggingEvent event) {
            String n = event.getLoggerName();
            return n.startsWith("kafka.") || n.startsWith("org.apache.kafka.") || n.startsWith("state.change")
                    ? ch.qos.logback.core.spi.FilterReply.DENY : ch.qos.logback.core.spi.FilterReply.NEUTRAL;
        }
    };

    static void toFile(Path file) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext)) {
            return;
        }
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root.getAppender("FILE") != null) {
            return; // already set up in this JVM
        }
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> a = it.next();
            ThresholdFilter errorsOnly = new ThresholdFilter();
            errorsOnly.setLevel(Level.ERROR.levelStr);
            errorsOnly.start();
            a.addFilter(errorsOnly);
            a.addFilter(BROKER_INTERNALS);
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
        fileAppender.setContext(ctx);
        fileAppender.setName("FILE");
        fileAppender.setFile(file.toString());
        fileAppender.setAppend(true);
        fileAppender.setEncoder(encoder);
        fileAppender.start();
        root.addAppender(fileAppender);
        // PostgreSQL's own server log arrives through zonky's logger: worth keeping in the file.
        ctx.getLogger("io.zonky").setLevel(Level.INFO);
    }
}

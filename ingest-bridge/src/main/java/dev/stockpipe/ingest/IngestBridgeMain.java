package dev.stockpipe.ingest;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point: config from the environment, the bridge, a shutdown hook that closes it (flush Kafka, close socket). */
public final class IngestBridgeMain {
    private static final Logger log = LoggerFactory.getLogger(IngestBridgeMain.class);

    private IngestBridgeMain() {}

    public static void main(String[] args) {
        IngestConfig cfg;
        try {
            cfg = IngestConfig.fromEnv(System.getenv());
        } catch (IngestConfig.ConfigException e) {
            log.error("{}", e.getMessage());
            System.exit(2);
            return;
        }
        IngestBridge bridge;
        try {
            bridge = IngestBridge.start(cfg);
        } catch (RuntimeException e) {
            log.error("ingest-bridge could not start: {}", e.toString(), e);
            System.exit(1);
            return;
        }
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutdown requested");
            bridge.close();
            closed.countDown();
            // A SIGTERM'd JVM would exit 143; a clean stop is exit 0, after the log is flushed.
            org.slf4j.ILoggerFactory lf = LoggerFactory.getILoggerFactory();
            if (lf instanceof ch.qos.logback.classic.LoggerContext ctx) {
                ctx.stop();
            }
            Runtime.getRuntime().halt(0);
        }, "shutdown"));
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.stockpipe.streams;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one entry point: environment -> config -> {@link StreamsApp}; closed by a shutdown hook. */
public final class StreamsAppMain {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsAppMain.class);

    private StreamsAppMain() {}

    public static void main(String[] args) throws Exception {
        StreamsAppConfig cfg;
        try {
            cfg = StreamsAppConfig.fromEnv(System.getenv());
        } catch (StreamsAppConfig.ConfigException e) {
            System.err.println("streams-app: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        StreamsApp app;
        try {
            app = StreamsApp.start(cfg);
        } catch (java.io.IOException e) {
            System.err.println("streams-app: cannot listen on " + cfg.bindHost() + ":" + cfg.queryPort() + " ("
                    + StreamsAppConfig.QUERY_PORT + "): " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down");
            app.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}

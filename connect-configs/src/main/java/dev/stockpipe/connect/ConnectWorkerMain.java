package dev.stockpipe.connect;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Connect worker process of the local stack: distributed mode, REST on CONNECT_REST_PORT (8083),
 * Debezium's JDBC sink on its plugin path. Start with an explicit heap, e.g.
 * {@code java -Xmx768m -cp connect-configs/target/classes:$(cat connect-configs/target/classpath.txt)
 * dev.stockpipe.connect.ConnectWorkerMain}.
 */
public final class ConnectWorkerMain {
    private static final Logger log = LoggerFactory.getLogger(ConnectWorkerMain.class);

    private ConnectWorkerMain() {}

    public static void main(String[] args) throws InterruptedException {
        ConnectWorkerConfig config;
        try {
            config = ConnectWorkerConfig.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            log.error("{}", e.getMessage());
            System.exit(2);
            return;
        }
        Map<String, String> sinkDefaults;
        try {
            sinkDefaults = postgresDefaults(System.getenv());
        } catch (IllegalArgumentException e) {
            log.error("{}", e.getMessage());
            System.exit(2);
            return;
        }
        EmbeddedConnect worker;
        try {
            worker = EmbeddedConnect.start(config, sinkDefaults);
        } catch (RuntimeException e) {
            log.error("Connect worker did not start", e);
            System.exit(3);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                worker.close();
            } finally {
                stopped.countDown();
            }
        }, "connect-shutdown"));
        log.info("Connect worker ready: REST at {}, plugins from {}", worker.restUrl(), config.pluginPath());
        worker.awaitStop();
        stopped.await();
    }

    /**
     * The documented POSTGRES_* defaults for the variables this process was not given, so the connector
     * files' ${env:POSTGRES_HOST} etc. resolve as the README says; set variables are read from the
     * environment by the provider itself.
     */
    static Map<String, String> postgresDefaults(Map<String, String> env) {
        PostgresConfig pg = PostgresConfig.fromEnv(env);
        Map<String, String> resolved = Map.of(PostgresConfig.HOST, pg.host(), PostgresConfig.PORT, Integer.toString(pg.port()),
                PostgresConfig.DB, pg.database(), PostgresConfig.USER, pg.user(), PostgresConfig.PASSWORD, pg.password());
        Map<String, String> defaults = new java.util.HashMap<>();
        resolved.forEach((k, v) -> {
            if (env.get(k) == null || env.get(k).isBlank()) {
                defaults.put(k, v);
            }
        });
        return defaults;
    }
}

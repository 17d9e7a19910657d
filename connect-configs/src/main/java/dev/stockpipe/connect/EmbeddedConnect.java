package dev.stockpipe.connect;

import java.net.URI;
import java.util.Map;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.distributed.DistributedHerder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka Connect worker in distributed mode, in this JVM: the same code path as
 * {@code ConnectDistributed}'s main, without its System.exit on failure. Used by {@link ConnectWorkerMain}
 * and by integration tests.
 */
public final class EmbeddedConnect implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedConnect.class);

    private final ConnectWorkerConfig config;
    private final Connect<DistributedHerder> connect;
    private final URI restUrl;

    private EmbeddedConnect(ConnectWorkerConfig config, Connect<DistributedHerder> connect) {
        this.config = config;
        this.connect = connect;
        this.restUrl = URI.create("http://" + config.advertisedHost() + ":" + config.restPort());
    }

    /** Starts a worker and returns once its REST server is listening (connectors may still be starting). */
    public static EmbeddedConnect start(ConnectWorkerConfig config, Map<String, String> providerEnv) {
        log.info("starting Connect worker {}", config);
        Thread current = Thread.currentThread();
        ClassLoader before = current.getContextClassLoader();
        // startConnect calls Exit.exit(3) when the worker cannot start: turn that into an exception here.
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("Connect worker failed to start (exit " + code + "): " + message);
        });
        try {
            Connect<DistributedHerder> connect = new ConnectDistributed().startConnect(config.workerProperties(providerEnv));
            return new EmbeddedConnect(config, connect);
        } finally {
            Exit.resetExitProcedure();
            // Connect swaps in its plugin class loader as the context loader; give the caller its own back.
            current.setContextClassLoader(before);
        }
    }

    /** A test worker on the given brokers and free port; {@code providerEnv} feeds {@code ${env:...}}. */
    public static EmbeddedConnect start(String bootstrapServers, int restPort, String groupId, Map<String, String> providerEnv) {
        return start(ConnectWorkerConfig.forTest(bootstrapServers, restPort, groupId), providerEnv);
    }

    public URI restUrl() {
        return restUrl;
    }

    public ConnectWorkerConfig config() {
        return config;
    }

    /** Blocks until the worker has stopped (from {@link #close()} or a fatal herder error). */
    public void awaitStop() {
        connect.awaitStop();
    }

    @Override
    public void close() {
        log.info("stopping Connect worker at {}", restUrl);
        connect.stop();
        connect.awaitStop();
    }
}

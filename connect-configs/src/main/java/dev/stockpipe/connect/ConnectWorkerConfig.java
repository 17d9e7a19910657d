package dev.stockpipe.connect;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of the Kafka Connect worker (distributed mode), read once from the environment.
 *
 * @param bootstrapServers        {@value #BOOTSTRAP_SERVERS}, default {@value #DEFAULT_BOOTSTRAP_SERVERS}
 * @param bindHost                {@value #BIND_HOST}, default {@value #DEFAULT_BIND_HOST}
 * @param restPort                {@value #REST_PORT}, default {@value #DEFAULT_REST_PORT}
 * @param groupId                 {@value #GROUP_ID}, default {@value #DEFAULT_GROUP_ID}
 * @param replicationFactor       {@value #REPLICATION_FACTOR}, default {@value #DEFAULT_REPLICATION_FACTOR}
 * @param pluginPath              {@value #PLUGIN_PATH}, default the module's target/connect-plugins
 * @param offsetFlushIntervalMs   {@value #OFFSET_FLUSH_INTERVAL_MS}, default {@value #DEFAULT_OFFSET_FLUSH_INTERVAL_MS}
 * @param rebalanceMaxDelayMs     {@value #REBALANCE_MAX_DELAY_MS}, default {@value #DEFAULT_REBALANCE_MAX_DELAY_MS}
 * @param sinkBatchSize           {@value #BATCH_SIZE}, default {@value #DEFAULT_BATCH_SIZE}
 */
public record ConnectWorkerConfig(String bootstrapServers, String bindHost, int restPort, String groupId,
                                  int replicationFactor, Path pluginPath, int offsetFlushIntervalMs,
                                  int rebalanceMaxDelayMs, int sinkBatchSize) {
    /** Kafka brokers of the worker and its connectors. */
    public static final String BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
    /** Address the REST listener binds (loopback unless told otherwise). */
    public static final String BIND_HOST = "BIND_HOST";
    public static final String DEFAULT_BIND_HOST = "127.0.0.1";
    /** REST port of the worker. */
    public static final String REST_PORT = "CONNECT_REST_PORT";
    public static final int DEFAULT_REST_PORT = 8083;
    /** Connect cluster id; also prefixes the internal topics. */
    public static final String GROUP_ID = "CONNECT_GROUP_ID";
    public static final String DEFAULT_GROUP_ID = "stockpipe-connect";
    /** Replication factor of the internal topics and of the sink DLQ (1 locally, 3 in docker-compose). */
    public static final String REPLICATION_FACTOR = "CONNECT_REPLICATION_FACTOR";
    public static final int DEFAULT_REPLICATION_FACTOR = 1;
    /** Directory holding the unpacked connector plugins (Debezium JDBC sink). */
    public static final String PLUGIN_PATH = "CONNECT_PLUGIN_PATH";
    /** How often sink tasks commit consumer offsets. */
    public static final String OFFSET_FLUSH_INTERVAL_MS = "CONNECT_OFFSET_FLUSH_INTERVAL_MS";
    public static final int DEFAULT_OFFSET_FLUSH_INTERVAL_MS = 5000;
    /** How long a departed worker's tasks wait before reassignment (0: at once; one worker locally). */
    public static final String REBALANCE_MAX_DELAY_MS = "CONNECT_REBALANCE_MAX_DELAY_MS";
    public static final int DEFAULT_REBALANCE_MAX_DELAY_MS = 0;
    /**
     * Sink batch size: the connector files' {@code batch.size} and {@code consumer.override.max.poll.records}
     * are {@code ${env:BATCH_SIZE}}, which this worker resolves (its default when the variable is unset).
     */
    public static final String BATCH_SIZE = "BATCH_SIZE";
    public static final int DEFAULT_BATCH_SIZE = 5000;
    public static final int MAX_BATCH_SIZE = 100_000;

    public static ConnectWorkerConfig fromEnv(Map<String, String> env) {
        EnvSettings s = new EnvSettings(env);
        String plugins = s.string(PLUGIN_PATH, null);
        ConnectWorkerConfig c = new ConnectWorkerConfig(
                s.string(BOOTSTRAP_SERVERS, DEFAULT_BOOTSTRAP_SERVERS),
                s.string(BIND_HOST, DEFAULT_BIND_HOST),
                s.integer(REST_PORT, DEFAULT_REST_PORT, 1, 65535),
                s.string(GROUP_ID, DEFAULT_GROUP_ID),
                s.integer(REPLICATION_FACTOR, DEFAULT_REPLICATION_FACTOR, 1, 32),
                plugins == null ? defaultPluginPath() : Path.of(plugins),
                s.integer(OFFSET_FLUSH_INTERVAL_MS, DEFAULT_OFFSET_FLUSH_INTERVAL_MS, 100, 3_600_000),
                s.integer(REBALANCE_MAX_DELAY_MS, DEFAULT_REBALANCE_MAX_DELAY_MS, 0, 3_600_000),
                s.integer(BATCH_SIZE, DEFAULT_BATCH_SIZE, 1, MAX_BATCH_SIZE));
        s.require(Files.isDirectory(c.pluginPath), PLUGIN_PATH + "=" + c.pluginPath
                + " is not a directory (build the module: mvn -pl connect-configs -am install -DskipTests)");
        s.require(c.groupId.matches("[A-Za-z0-9._\\-]+"), GROUP_ID + "=" + c.groupId + " must be a valid topic-name prefix");
        s.throwIfProblems("Connect worker");
        return c;
    }

    /** A worker for tests: the given brokers and port, defaults for the rest. */
    public static ConnectWorkerConfig forTest(String bootstrapServers, int restPort, String groupId) {
        return new ConnectWorkerConfig(bootstrapServers, DEFAULT_BIND_HOST, restPort, groupId, 1, defaultPluginPath(), 1000, 0,
                DEFAULT_BATCH_SIZE);
    }

    public String configTopic() {
        return groupId + ".configs";
    }

    public String offsetTopic() {
        return groupId + ".offsets";
    }

    public String statusTopic() {
        return groupId + ".status";
    }

    /** The host clients use to reach the REST API (a wildcard bind is reached through loopback). */
    public String advertisedHost() {
        return "0.0.0.0".equals(bindHost) || "::".equals(bindHost) ? "127.0.0.1" : bindHost;
    }

    /**
     * The worker's properties. {@code providerEnv} adds variables to what {@code ${env:NAME}} sees (tests,
     * which cannot change their own process environment); empty in production.
     */
    public Map<String, String> workerProperties(Map<String, String> providerEnv) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("group.id", groupId);
        p.put("listeners", "http://" + bindHost + ":" + restPort);
        p.put("rest.advertised.host.name", advertisedHost());
        p.put("rest.advertised.port", Integer.toString(restPort));
        // The worker creates its internal topics compacted (cleanup.policy=compact) with these settings.
        p.put("config.storage.topic", configTopic());
        p.put("offset.storage.topic", offsetTopic());
        p.put("status.storage.topic", statusTopic());
        p.put("config.storage.replication.factor", Integer.toString(replicationFactor));
        p.put("offset.storage.replication.factor", Integer.toString(replicationFactor));
        p.put("status.storage.replication.factor", Integer.toString(replicationFactor));
        p.put("offset.storage.partitions", "5");
        p.put("status.storage.partitions", "3");
        // Connector JSON files name their own converters; these are only the worker's defaults.
        p.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        p.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        p.put("value.converter.schemas.enable", "false");
        p.put("offset.flush.interval.ms", Integer.toString(offsetFlushIntervalMs));
        p.put("scheduled.rebalance.max.delay.ms", Integer.toString(rebalanceMaxDelayMs));
        p.put("plugin.path", pluginPath.toAbsolutePath().toString());
        // Plugins found through their ServiceLoader manifests only: no class scanning, REST ready in seconds.
        p.put("plugin.discovery", "service_load");
        // The sink JSON sets consumer.override.max.poll.records etc.
        p.put("connector.client.config.override.policy", "All");
        // ${env:POSTGRES_PASSWORD} in connector configs resolves from the worker's environment, so no
        // secret or host is ever stored in the config topic or in the JSON files.
        p.put("config.providers", "env");
        p.put("config.providers.env.class", EnvConfigProvider.class.getName());
        // The DLQ's replication factor in the connector JSON is ${env:CONNECT_REPLICATION_FACTOR}: this worker's.
        p.put("config.providers.env.param." + REPLICATION_FACTOR, Integer.toString(replicationFactor));
        // ${env:BATCH_SIZE} likewise: the validated value, so an unset variable means the documented default
        // rather than an unresolved placeholder that fails the task at start.
        p.put("config.providers.env.param." + BATCH_SIZE, Integer.toString(sinkBatchSize));
        providerEnv.forEach((k, v) -> p.put("config.providers.env.param." + k, v));
        return p;
    }

    /** {@code <module>/target/connect-plugins}, found from where this class was loaded. */
    static Path defaultPluginPath() {
        try {
            Path here = Path.of(ConnectWorkerConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // target/classes (a build tree) or target/<jar>: both sit in target/
            Path target = here.getParent();
            if (target != null) {
                Path candidate = target.resolve("connect-plugins");
                if (Files.isDirectory(candidate)) {
                    return candidate;
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the conventional location
        }
        return Path.of("connect-configs", "target", "connect-plugins");
    }

    @Override
    public String toString() {
        return "ConnectWorkerConfig[bootstrap=" + bootstrapServers + ", rest=" + bindHost + ":" + restPort
                + ", group=" + groupId + ", rf=" + replicationFactor + ", plugins=" + pluginPath + "]";
    }
}

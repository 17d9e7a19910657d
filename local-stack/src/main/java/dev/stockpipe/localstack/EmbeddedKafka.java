package dev.stockpipe.localstack;

import dev.stockpipe.model.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka (combined broker + controller) running in this JVM, from the
 * {@code kafka_2.13} jars. Storage is formatted on first start; starting again with the same data
 * directory and port after {@link #close()} brings back the same cluster and its data.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final short REPLICATION = 1;

    /** Default partitions of auto-created topics when the caller gives none. */
    public static final int DEFAULT_PARTITIONS = 6;

    private final Path dataDir;
    private final String host;
    private final int port;
    private final KafkaRaftServer server;
    private final Admin admin;
    private volatile boolean closed;

    private EmbeddedKafka(Path dataDir, String host, int port, KafkaRaftServer server, Admin admin) {
        this.dataDir = dataDir;
        this.host = host;
        this.port = port;
        this.server = server;
        this.admin = admin;
    }

    /** Starts a broker on 127.0.0.1:port (0 = a free port) keeping its data in dataDir. */
    public static EmbeddedKafka start(Path dataDir, int port) {
        return start(dataDir, FreePorts.LOOPBACK, port, DEFAULT_PARTITIONS, Map.of());
    }

    /** Starts a broker on 127.0.0.1:port (0 = a free port) with num.partitions = partitions. */
    public static EmbeddedKafka start(Path dataDir, int port, int partitions) {
        return start(dataDir, FreePorts.LOOPBACK, port, partitions, Map.of());
    }

    /**
     * Starts a broker listening on bindHost:port (0 = a free port).
     *
     * @param partitions num.partitions for auto-created topics
     * @param overrides broker properties that win over ours
     */
    public static EmbeddedKafka start(Path dataDir, String bindHost, int port, int partitions,
                                      Map<String, String> overrides) {
        int brokerPort = port == 0 ? FreePorts.pick() : port;
        if (port != 0 && !FreePorts.isFree(bindHost, brokerPort)) {
            throw new LocalStackException("Kafka port " + brokerPort + " on " + bindHost
                    + " is already in use: stop what listens there or choose another port");
        }
        // The controller listener is internal; with a static voter set it may change between restarts.
        int controllerPort = FreePorts.pick();
        while (controllerPort == brokerPort) {
            controllerPort = FreePorts.pick();
        }
        quietBrokerLogs();
        Path logDir = dataDir.resolve("kraft-logs");
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new LocalStackException("cannot create Kafka data directory " + logDir + ": " + e.getMessage(), e);
        }
        String advertisedHost = "0.0.0.0".equals(bindHost) || "::".equals(bindHost) ? FreePorts.LOOPBACK : bindHost;
        Map<String, String> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + FreePorts.LOOPBACK + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + bindHost + ":" + brokerPort
                + ",CONTROLLER://" + FreePorts.LOOPBACK + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + advertisedHost + ":" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toAbsolutePath().toString());
        props.put("num.partitions", Integer.toString(partitions));
        props.put("default.replication.factor", "1");
        props.put("offsets.topic.replication.factor", "1");
        // Fewer internal partitions: quicker first consumer group / transaction on a 2-core machine.
        props.put("offsets.topic.num.partitions", "10");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "10");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // The default 128 MB dedupe buffer does not fit the small heaps we run with.
        props.put("log.cleaner.dedupe.buffer.size", "8388608");
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        props.put("num.recovery.threads.per.data.dir", "1");
        props.putAll(overrides);

        format(props, logDir);
        KafkaRaftServer server;
        try {
            server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();
        } catch (RuntimeException e) {
            throw new LocalStackException("Kafka failed to start from " + dataDir + " (" + e
                    + "): if the data directory is corrupt, delete it (or run `up --clean`)", e);
        }
        String bootstrap = advertisedHost + ":" + brokerPort;
        Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000"));
        EmbeddedKafka kafka = new EmbeddedKafka(dataDir, advertisedHost, brokerPort, server, admin);
        try {
            kafka.awaitReady();
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        LOG.info("Kafka broker ready at {} (data {})", bootstrap, dataDir);
        return kafka;
    }

    /** Formats KRaft storage once; an already formatted directory is left as it is. */
    private static void format(Map<String, String> props, Path logDir) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return; // formatted before: the broker checks meta.properties itself at startup
        }
        Path config = logDir.resolveSibling("server.properties");
        Properties p = new Properties();
        p.putAll(props);
        try (var out = Files.newOutputStream(config)) {
            p.store(out, "written by stockpipe EmbeddedKafka at each start");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            rc = kafka.tools.StorageTool.execute(new String[] {
                "format", "--ignore-formatted", "-t", Uuid.randomUuid().toString(), "-c", config.toString()}, ps);
        } catch (RuntimeException e) {
            throw new LocalStackException("cannot format Kafka storage in " + logDir + " (" + e.getMessage()
                    + "): if the data directory is corrupt, delete it (or run `up --clean`)", e);
        }
        if (rc != 0) {
            throw new LocalStackException("cannot format Kafka storage in " + logDir + ": "
                    + captured.toString(StandardCharsets.UTF_8).trim()
                    + "; if the data directory is corrupt, delete it (or run `up --clean`)");
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                last = new RuntimeException(e.getCause() == null ? e : e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalStackException("interrupted while waiting for Kafka", e);
            }
            sleepQuietly(100);
        }
        throw new LocalStackException("Kafka broker at " + bootstrapServers() + " not ready within "
                + READY_TIMEOUT.toSeconds() + " s", last);
    }

    /** host:port for bootstrap.servers. */
    public String bootstrapServers() {
        return host + ":" + port;
    }

    /** The broker's PLAINTEXT port (pass it to {@link #start} again to restart on the same port). */
    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Creates the topics with replication factor 1; topics that already exist are left alone. */
    public void createTopics(int partitions, String... names) {
        if (names.length == 0) {
            return;
        }
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, REPLICATION));
        }
        Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
        for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
            try {
                result.getValue().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new LocalStackException("cannot create topic " + result.getKey() + ": " + e.getCause(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalStackException("interrupted while creating topic " + result.getKey(), e);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new LocalStackException("timed out creating topic " + result.getKey(), e);
            }
        }
        awaitLeaders(Set.copyOf(Arrays.asList(names)));
    }

    /** Creates every topic of DESIGN.md ({@link Topics#ALL}). */
    public void createDesignTopics(int partitions) {
        createTopics(partitions, Topics.ALL.toArray(new String[0]));
    }

    /** The broker answers metadata for a new topic a moment after the controller commits it. */
    private void awaitLeaders(Set<String> names) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
                boolean allLed = described.values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (allLed) {
                    return;
                }
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new LocalStackException("topics " + names + " not ready: " + e, e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalStackException("interrupted while waiting for topics " + names, e);
            }
            if (System.nanoTime() > deadline) {
                throw new LocalStackException("topics " + names + " have no leader after 30 s");
            }
            sleepQuietly(50);
        }
    }

    /** Stops the broker and controller; its ports and threads are released when this returns. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            admin.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warn("closing Kafka admin client failed: {}", e.toString());
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Kafka shutdown reported: {}", e.toString());
        }
        LOG.info("Kafka broker at {} stopped", bootstrapServers());
    }

    /** The broker's INFO output (config dumps, every partition change) drowns test logs; keep WARN unless configured. */
    private static void quietBrokerLogs() {
        for (String name : List.of("kafka", "state.change.logger", "org.apache.kafka.server", "org.apache.kafka.controller",
                "org.apache.kafka.raft", "org.apache.kafka.metadata", "org.apache.kafka.image", "org.apache.kafka.storage",
                "org.apache.kafka.coordinator", "org.apache.kafka.queue", "org.apache.kafka.snapshot",
                "org.apache.kafka.network", "org.apache.kafka.security", "org.apache.kafka.common.network")) {
            org.slf4j.Logger logger = LoggerFactory.getLogger(name);
            if (logger instanceof ch.qos.logback.classic.Logger) {
                ch.qos.logback.classic.Logger lb = (ch.qos.logback.classic.Logger) logger;
                if (lb.getLevel() == null) {
                    lb.setLevel(ch.qos.logback.classic.Level.WARN);
                }
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted", e);
        }
    }
}

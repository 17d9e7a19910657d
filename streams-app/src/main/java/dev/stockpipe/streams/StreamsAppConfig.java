package dev.stockpipe.streams;

import dev.stockpipe.model.Topics;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whole configuration of streams-app, read once from the environment by {@link #fromEnv(Map)}.
 * Every variable has a name constant, a default and a one-line doc ({@link #VARIABLES}); all problems
 * are reported at once as a {@link ConfigException}.
 */
public record StreamsAppConfig(
        String bootstrapServers,
        String applicationId,
        String stateDir,
        int numStreamThreads,
        int standbyReplicas,
        int replicationFactor,
        long commitIntervalMs,
        int sessionTimeoutMs,
        String bindHost,
        int queryPort,
        String advertisedHost,
        TopologyConfig topology) {

    /** One documented environment variable. */
    public record Variable(String name, String defaultValue, String doc) {}

    public static final String KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
    public static final String KAFKA_BOOTSTRAP_SERVERS_DEFAULT = "localhost:9092";
    public static final String APPLICATION_ID = "STREAMS_APPLICATION_ID";
    public static final String APPLICATION_ID_DEFAULT = "stockpipe-streams";
    public static final String STATE_DIR = "STREAMS_STATE_DIR";
    public static final String STATE_DIR_DEFAULT = "/tmp/stockpipe-streams";
    public static final String NUM_THREADS = "STREAMS_NUM_THREADS";
    public static final String NUM_THREADS_DEFAULT = "1";
    public static final String STANDBY_REPLICAS = "STREAMS_NUM_STANDBY_REPLICAS";
    public static final String STANDBY_REPLICAS_DEFAULT = "0";
    public static final String REPLICATION_FACTOR = "STREAMS_REPLICATION_FACTOR";
    public static final String REPLICATION_FACTOR_DEFAULT = "-1";
    public static final String COMMIT_INTERVAL_MS = "STREAMS_COMMIT_INTERVAL_MS";
    public static final String COMMIT_INTERVAL_MS_DEFAULT = "100";
    public static final String SESSION_TIMEOUT_MS = "STREAMS_SESSION_TIMEOUT_MS";
    public static final String SESSION_TIMEOUT_MS_DEFAULT = "45000";
    public static final String BIND_HOST = "BIND_HOST";
    public static final String BIND_HOST_DEFAULT = "127.0.0.1";
    public static final String QUERY_PORT = "STREAMS_IQ_PORT";
    public static final String QUERY_PORT_DEFAULT = "8084";
    public static final String ADVERTISED_HOST = "STREAMS_ADVERTISED_HOST";
    public static final String ADVERTISED_HOST_DEFAULT = "";
    public static final String DEDUPE_WINDOW = "STREAMS_DEDUPE_WINDOW";
    public static final String DEDUPE_WINDOW_DEFAULT = "24h";
    public static final String PENDING_WINDOW = "STREAMS_PENDING_WINDOW";
    public static final String PENDING_WINDOW_DEFAULT = "24h";
    public static final String PURGE_INTERVAL = "STREAMS_PURGE_INTERVAL";
    public static final String PURGE_INTERVAL_DEFAULT = "1m";
    public static final String BARS_RETENTION = "STREAMS_BARS_RETENTION";
    public static final String BARS_RETENTION_DEFAULT = "7d";
    public static final String MAX_MESSAGE_BYTES = "STREAMS_MAX_MESSAGE_BYTES";
    public static final String MAX_MESSAGE_BYTES_DEFAULT = "65536";
    public static final String TOPIC_TRADES_RAW = "STREAMS_TOPIC_TRADES_RAW";
    public static final String TOPIC_BARS_RAW = "STREAMS_TOPIC_BARS_RAW";
    public static final String TOPIC_TRADES = "STREAMS_TOPIC_TRADES";
    public static final String TOPIC_BARS = "STREAMS_TOPIC_BARS";
    public static final String TOPIC_REJECTS = "STREAMS_TOPIC_REJECTS";

    public static final List<Variable> VARIABLES = List.of(
            new Variable(KAFKA_BOOTSTRAP_SERVERS, KAFKA_BOOTSTRAP_SERVERS_DEFAULT, "Kafka brokers, host:port[,host:port]"),
            new Variable(APPLICATION_ID, APPLICATION_ID_DEFAULT, "Kafka Streams application.id (consumer group, internal topic prefix)"),
            new Variable(STATE_DIR, STATE_DIR_DEFAULT, "directory of the local RocksDB state stores"),
            new Variable(NUM_THREADS, NUM_THREADS_DEFAULT, "stream threads of this instance"),
            new Variable(STANDBY_REPLICAS, STANDBY_REPLICAS_DEFAULT, "standby replicas of each state store on other instances"),
            new Variable(REPLICATION_FACTOR, REPLICATION_FACTOR_DEFAULT, "replication factor of internal topics (-1 = broker default)"),
            new Variable(COMMIT_INTERVAL_MS, COMMIT_INTERVAL_MS_DEFAULT, "transaction commit interval in ms (exactly_once_v2): bounds raw->clean latency"),
            new Variable(SESSION_TIMEOUT_MS, SESSION_TIMEOUT_MS_DEFAULT, "consumer session timeout in ms: how fast a dead instance's partitions move"),
            new Variable(BIND_HOST, BIND_HOST_DEFAULT, "address the interactive-query HTTP server binds"),
            new Variable(QUERY_PORT, QUERY_PORT_DEFAULT, "interactive-query HTTP port (0 = any free port)"),
            new Variable(ADVERTISED_HOST, "BIND_HOST", "host other instances use to reach this one (application.server)"),
            new Variable(DEDUPE_WINDOW, DEDUPE_WINDOW_DEFAULT, "stream-time window within which a repeated trade identity is a duplicate"),
            new Variable(PENDING_WINDOW, PENDING_WINDOW_DEFAULT, "stream time a correction/cancel waits for its original before it is an orphan reject"),
            new Variable(PURGE_INTERVAL, PURGE_INTERVAL_DEFAULT, "stream-time interval of the orphan sweep"),
            new Variable(BARS_RETENTION, BARS_RETENTION_DEFAULT, "event-time retention of the bars store (range queries, update decisions)"),
            new Variable(MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES_DEFAULT, "raw messages larger than this are rejected as oversize"),
            new Variable(TOPIC_TRADES_RAW, Topics.TRADES_RAW_NAME, "input topic of raw trades, corrections and cancels"),
            new Variable(TOPIC_BARS_RAW, Topics.BARS_RAW_NAME, "input topic of raw bars"),
            new Variable(TOPIC_TRADES, Topics.TRADES_NAME, "output topic of clean trades"),
            new Variable(TOPIC_BARS, Topics.BARS_NAME, "output topic of clean bars"),
            new Variable(TOPIC_REJECTS, Topics.REJECTS_NAME, "output topic of rejects"));

    public StreamsAppConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        Objects.requireNonNull(topology, "topology");
    }

    /** Every problem found in the environment, one line each. */
    public static final class ConfigException extends IllegalArgumentException {
        private final List<String> problems;

        public ConfigException(List<String> problems) {
            super("invalid configuration:\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /** Reads and validates the configuration; throws {@link ConfigException} listing every problem. */
    public static StreamsAppConfig fromEnv(Map<String, String> env) {
        Reader r = new Reader(env);
        String bootstrap = r.text(KAFKA_BOOTSTRAP_SERVERS, KAFKA_BOOTSTRAP_SERVERS_DEFAULT);
        if (!bootstrap.matches("[^,\\s]+:\\d+(,[^,\\s]+:\\d+)*")) {
            r.problem(KAFKA_BOOTSTRAP_SERVERS, bootstrap, "must be host:port[,host:port...]");
        }
        String appId = r.text(APPLICATION_ID, APPLICATION_ID_DEFAULT);
        if (!appId.matches("[A-Za-z0-9._-]+")) {
            r.problem(APPLICATION_ID, appId, "must be letters, digits, '.', '_' or '-'");
        }
        String stateDir = r.text(STATE_DIR, STATE_DIR_DEFAULT);
        int threads = r.integer(NUM_THREADS, NUM_THREADS_DEFAULT, 1, 64);
        int standby = r.integer(STANDBY_REPLICAS, STANDBY_REPLICAS_DEFAULT, 0, 10);
        int rf = r.integer(REPLICATION_FACTOR, REPLICATION_FACTOR_DEFAULT, -1, 32);
        if (rf == 0) {
            r.problem(REPLICATION_FACTOR, "0", "must be -1 (broker default) or >= 1");
        }
        long commitMs = r.integer(COMMIT_INTERVAL_MS, COMMIT_INTERVAL_MS_DEFAULT, 1, 600_000);
        int sessionMs = r.integer(SESSION_TIMEOUT_MS, SESSION_TIMEOUT_MS_DEFAULT, 1000, 3_600_000);
        String bind = r.text(BIND_HOST, BIND_HOST_DEFAULT);
        int port = r.integer(QUERY_PORT, QUERY_PORT_DEFAULT, 0, 65535);
        String advertised = r.text(ADVERTISED_HOST, ADVERTISED_HOST_DEFAULT);
        if (advertised.isEmpty()) {
            advertised = bind;
            if (bind.equals("0.0.0.0") || bind.equals("::")) {
                r.problem(ADVERTISED_HOST, "", "must be set when " + BIND_HOST + " is a wildcard address (" + bind + ")");
            }
        }
        Duration dedupe = r.duration(DEDUPE_WINDOW, DEDUPE_WINDOW_DEFAULT);
        Duration pending = r.duration(PENDING_WINDOW, PENDING_WINDOW_DEFAULT);
        Duration purge = r.duration(PURGE_INTERVAL, PURGE_INTERVAL_DEFAULT);
        Duration barsRetention = r.duration(BARS_RETENTION, BARS_RETENTION_DEFAULT);
        if (purge != null && pending != null && purge.compareTo(pending) > 0) {
            r.problem(PURGE_INTERVAL, env.get(PURGE_INTERVAL), "must not exceed " + PENDING_WINDOW + " (" + pending + ")");
        }
        int maxBytes = r.integer(MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES_DEFAULT, 1024, 16 * 1024 * 1024);
        String tradesRaw = r.topic(TOPIC_TRADES_RAW, Topics.TRADES_RAW_NAME);
        String barsRaw = r.topic(TOPIC_BARS_RAW, Topics.BARS_RAW_NAME);
        String trades = r.topic(TOPIC_TRADES, Topics.TRADES_NAME);
        String bars = r.topic(TOPIC_BARS, Topics.BARS_NAME);
        String rejects = r.topic(TOPIC_REJECTS, Topics.REJECTS_NAME);
        if (!r.problems.isEmpty()) {
            throw new ConfigException(r.problems);
        }
        TopologyConfig topology = new TopologyConfig(tradesRaw, barsRaw, trades, bars, rejects,
                dedupe, pending, purge, barsRetention, maxBytes);
        return new StreamsAppConfig(bootstrap, appId, stateDir, threads, standby, rf, commitMs, sessionMs,
                bind, port, advertised, topology);
    }

    /** Defaults only (what {@code fromEnv(Map.of())} gives). */
    public static StreamsAppConfig defaults() {
        return fromEnv(Map.of());
    }

    /** The value of application.server: how other instances reach this one's query server. */
    public String applicationServer(int actualPort) {
        return advertisedHost + ":" + actualPort;
    }

    public StreamsAppConfig withQueryPort(int port) {
        return new StreamsAppConfig(bootstrapServers, applicationId, stateDir, numStreamThreads, standbyReplicas,
                replicationFactor, commitIntervalMs, sessionTimeoutMs, bindHost, port, advertisedHost, topology);
    }

    /** Safe to log: nothing here is a secret. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bootstrap", bootstrapServers);
        m.put("applicationId", applicationId);
        m.put("stateDir", stateDir);
        m.put("threads", numStreamThreads);
        m.put("standbyReplicas", standbyReplicas);
        m.put("query", bindHost + ":" + queryPort);
        m.put("advertised", advertisedHost);
        m.put("topology", topology);
        return m;
    }

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    /** Accepts ISO-8601 ({@code PT24H}) or a short form: {@code 500ms}, {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d}. */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT_DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
    }

    private static final class Reader {
        private final Map<String, String> env;
        private final List<String> problems = new ArrayList<>();

        Reader(Map<String, String> env) {
            this.env = env;
        }

        void problem(String name, String value, String rule) {
            problems.add(name + "='" + value + "': " + rule);
        }

        String text(String name, String def) {
            String v = env.get(name);
            return v == null || v.isBlank() ? def : v.trim();
        }

        int integer(String name, String def, int min, int max) {
            String v = text(name, def);
            try {
                int n = Integer.parseInt(v);
                if (n < min || n > max) {
                    problem(name, v, "must be an integer in " + min + ".." + max);
                }
                return n;
            } catch (NumberFormatException e) {
                problem(name, v, "must be an integer in " + min + ".." + max);
                return Integer.parseInt(def);
            }
        }

        Duration duration(String name, String def) {
            String v = text(name, def);
            try {
                Duration d = parseDuration(v);
                if (d.isNegative() || d.isZero()) {
                    problem(name, v, "must be a positive duration");
                    return parseDuration(def);
                }
                return d;
            } catch (DateTimeParseException | ArithmeticException e) {
                problem(name, v, "must be a duration such as 24h, 30m, 90s, 500ms, 7d or PT24H");
                return parseDuration(def);
            }
        }

        String topic(String name, String def) {
            String v = text(name, def);
            if (!v.matches("[A-Za-z0-9._-]{1,249}")) {
                problem(name, v, "must be a Kafka topic name (letters, digits, '.', '_', '-')");
            }
            return v;
        }
    }
}

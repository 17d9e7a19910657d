package dev.stockpipe.localstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code stockpipe up} starts and where, read once from the environment. A part whose
 * host/bootstrap variable is set is an external service: it is checked and used, never started.
 */
public record LocalStackConfig(
        Path home,
        String bindHost,
        String kafkaBootstrapServers,
        int kafkaPort,
        boolean kafkaPortSet,
        int kafkaPartitions,
        short kafkaReplicationFactor,
        String postgresHost,
        int postgresPort,
        boolean postgresPortSet,
        String postgresDb,
        String postgresUser,
        String postgresPassword,
        String redisHost,
        int redisPort,
        boolean redisPortSet) {

    /** Directory for data, logs and the state file. */
    public static final String STOCKPIPE_HOME = "STOCKPIPE_HOME";
    public static final String STOCKPIPE_HOME_DEFAULT = ".stockpipe";
    /** Address every embedded part listens on. */
    public static final String BIND_HOST = "BIND_HOST";
    public static final String BIND_HOST_DEFAULT = "127.0.0.1";
    /** Set = use this external Kafka (not started); unset = start the embedded broker. */
    public static final String KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
    /** Port of the embedded broker; when unset and 9092 is taken, a free port is used and printed. */
    public static final String KAFKA_PORT = "KAFKA_PORT";
    public static final int KAFKA_PORT_DEFAULT = 9092;
    /** Partitions of the DESIGN topics (and of auto-created topics on the embedded broker). */
    public static final String KAFKA_PARTITIONS = "KAFKA_PARTITIONS";
    public static final int KAFKA_PARTITIONS_DEFAULT = 6;
    /** Replication factor of the DESIGN topics. */
    public static final String KAFKA_REPLICATION_FACTOR = "KAFKA_REPLICATION_FACTOR";
    public static final int KAFKA_REPLICATION_FACTOR_DEFAULT = 1;
    /** Set = use this external PostgreSQL (not started); unset = start the embedded one. */
    public static final String POSTGRES_HOST = "POSTGRES_HOST";
    /** Port of PostgreSQL; for the embedded one, when unset and 5432 is taken, a free port is used and printed. */
    public static final String POSTGRES_PORT = "POSTGRES_PORT";
    public static final int POSTGRES_PORT_DEFAULT = 5432;
    /** Database the services use (created on the embedded server). */
    public static final String POSTGRES_DB = "POSTGRES_DB";
    public static final String POSTGRES_DB_DEFAULT = "stockpipe";
    /** Login role (created on the embedded server if it is not postgres). */
    public static final String POSTGRES_USER = "POSTGRES_USER";
    public static final String POSTGRES_USER_DEFAULT = "postgres";
    /** Password of POSTGRES_USER (the embedded server trusts loopback connections). Never logged. */
    public static final String POSTGRES_PASSWORD = "POSTGRES_PASSWORD";
    public static final String POSTGRES_PASSWORD_DEFAULT = "postgres";
    /** Set = use this external Redis (not started); unset = start the embedded one. */
    public static final String REDIS_HOST = "REDIS_HOST";
    /** Port of Redis; for the embedded one, when unset and 6379 is taken, a free port is used and printed. */
    public static final String REDIS_PORT = "REDIS_PORT";
    public static final int REDIS_PORT_DEFAULT = 6379;

    /** Every variable with its default and doc, in README order (a test keeps the README in step). */
    public static final Map<String, String[]> VARIABLES = variables();

    private static Map<String, String[]> variables() {
        Map<String, String[]> v = new LinkedHashMap<>();
        v.put(STOCKPIPE_HOME, new String[] {STOCKPIPE_HOME_DEFAULT, "data, logs and state.json of the local stack"});
        v.put(BIND_HOST, new String[] {BIND_HOST_DEFAULT, "address every embedded part listens on"});
        v.put(KAFKA_BOOTSTRAP_SERVERS, new String[] {"(unset: embedded broker)", "external Kafka to use instead of the embedded broker"});
        v.put(KAFKA_PORT, new String[] {Integer.toString(KAFKA_PORT_DEFAULT), "port of the embedded broker"});
        v.put(KAFKA_PARTITIONS, new String[] {Integer.toString(KAFKA_PARTITIONS_DEFAULT), "partitions of the DESIGN topics"});
        v.put(KAFKA_REPLICATION_FACTOR, new String[] {Integer.toString(KAFKA_REPLICATION_FACTOR_DEFAULT), "replication factor of the DESIGN topics"});
        v.put(POSTGRES_HOST, new String[] {"(unset: embedded PostgreSQL)", "external PostgreSQL to use instead of the embedded one"});
        v.put(POSTGRES_PORT, new String[] {Integer.toString(POSTGRES_PORT_DEFAULT), "PostgreSQL port"});
        v.put(POSTGRES_DB, new String[] {POSTGRES_DB_DEFAULT, "database of the services"});
        v.put(POSTGRES_USER, new String[] {POSTGRES_USER_DEFAULT, "PostgreSQL login role"});
        v.put(POSTGRES_PASSWORD, new String[] {POSTGRES_PASSWORD_DEFAULT, "its password (never logged)"});
        v.put(REDIS_HOST, new String[] {"(unset: embedded Redis)", "external Redis to use instead of the embedded one"});
        v.put(REDIS_PORT, new String[] {Integer.toString(REDIS_PORT_DEFAULT), "Redis port"});
        return java.util.Collections.unmodifiableMap(v);
    }

    public boolean kafkaExternal() {
        return kafkaBootstrapServers != null;
    }

    public boolean postgresExternal() {
        return postgresHost != null;
    }

    public boolean redisExternal() {
        return redisHost != null;
    }

    public Path stateFile() {
        return home.resolve("state.json");
    }

    public Path logDir() {
        return home.resolve("logs");
    }

    /** Reads and validates every variable; all problems are reported together. */
    public static LocalStackConfig fromEnv(Map<String, String> env) {
        List<String> errors = new ArrayList<>();
        Path home = Path.of(text(env, STOCKPIPE_HOME, STOCKPIPE_HOME_DEFAULT)).toAbsolutePath().normalize();
        String bindHost = text(env, BIND_HOST, BIND_HOST_DEFAULT);
        String bootstrap = blankToNull(env.get(KAFKA_BOOTSTRAP_SERVERS));
        if (bootstrap != null && !bootstrap.matches("[^\\s,:]+:\\d{1,5}(,[^\\s,:]+:\\d{1,5})*")) {
            errors.add(KAFKA_BOOTSTRAP_SERVERS + "=" + bootstrap + ": must be host:port[,host:port...]");
        }
        int kafkaPort = port(env, KAFKA_PORT, KAFKA_PORT_DEFAULT, errors);
        int partitions = intIn(env, KAFKA_PARTITIONS, KAFKA_PARTITIONS_DEFAULT, 1, 1000, errors);
        int rf = intIn(env, KAFKA_REPLICATION_FACTOR, KAFKA_REPLICATION_FACTOR_DEFAULT, 1, 32, errors);
        if (bootstrap == null && rf != 1) {
            errors.add(KAFKA_REPLICATION_FACTOR + "=" + rf + ": the embedded broker is a single node, use 1");
        }
        String pgHost = blankToNull(env.get(POSTGRES_HOST));
        int pgPort = port(env, POSTGRES_PORT, POSTGRES_PORT_DEFAULT, errors);
        String db = text(env, POSTGRES_DB, POSTGRES_DB_DEFAULT);
        if (!db.matches("[a-z_][a-z0-9_]{0,62}")) {
            errors.add(POSTGRES_DB + "=" + db + ": must be lowercase letters, digits and _ (max 63)");
        }
        String user = text(env, POSTGRES_USER, POSTGRES_USER_DEFAULT);
        if (!user.matches("[a-z_][a-z0-9_]{0,62}")) {
            errors.add(POSTGRES_USER + "=" + user + ": must be lowercase letters, digits and _ (max 63)");
        }
        String password = env.getOrDefault(POSTGRES_PASSWORD, POSTGRES_PASSWORD_DEFAULT);
        String redisHost = blankToNull(env.get(REDIS_HOST));
        int redisPort = port(env, REDIS_PORT, REDIS_PORT_DEFAULT, errors);
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return new LocalStackConfig(home, bindHost, bootstrap, kafkaPort, isSet(env, KAFKA_PORT), partitions, (short) rf,
                pgHost, pgPort, isSet(env, POSTGRES_PORT), db, user, password,
                redisHost, redisPort, isSet(env, REDIS_PORT));
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "LocalStackConfig[home=" + home + ", bindHost=" + bindHost + ", kafka=" + (kafkaExternal() ? kafkaBootstrapServers : "embedded:" + kafkaPort)
                + ", postgres=" + (postgresExternal() ? postgresHost : "embedded") + ":" + postgresPort + "/" + postgresDb
                + ", redis=" + (redisExternal() ? redisHost : "embedded") + ":" + redisPort + "]";
    }

    private static boolean isSet(Map<String, String> env, String name) {
        return blankToNull(env.get(name)) != null;
    }

    private static String text(Map<String, String> env, String name, String def) {
        String v = blankToNull(env.get(name));
        return v == null ? def : v;
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static int port(Map<String, String> env, String name, int def, List<String> errors) {
        return intIn(env, name, def, 1, 65535, errors);
    }

    private static int intIn(Map<String, String> env, String name, int def, int min, int max, List<String> errors) {
        String v = blankToNull(env.get(name));
        if (v == null) {
            return def;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                errors.add(name + "=" + v + ": must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            errors.add(name + "=" + v + ": not an integer");
            return def;
        }
    }

    /** Every configuration problem found, one per line. */
    public static final class ConfigException extends RuntimeException {
        private final List<String> problems;

        public ConfigException(List<String> problems) {
            super("invalid configuration: " + String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}

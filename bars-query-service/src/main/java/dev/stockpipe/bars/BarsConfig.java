package dev.stockpipe.bars;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything bars-query-service reads from the environment, read once in {@link Application#main}. Each
 * variable has a name constant, a default and a one-line doc ({@link #DOCS}, mirrored by the README);
 * {@link #fromEnv} reports every problem at once. {@link #toProperties()} hands the values to Micronaut;
 * {@code application.yml} carries the same names and defaults for launches that skip {@code main} (tests).
 */
public record BarsConfig(
        String bindHost,
        int port,
        String postgresHost,
        int postgresPort,
        String postgresDb,
        String postgresUser,
        String postgresPassword,
        int poolSize,
        int connectTimeoutMs,
        int queryTimeoutSeconds,
        int maxLimit,
        int maxRangeDays,
        List<String> corsAllowedOrigins) {

    public static final String BIND_HOST = "BIND_HOST";
    public static final String BIND_HOST_DEFAULT = "127.0.0.1";
    public static final String BARS_PORT = "BARS_PORT";
    /** Micronaut's own name for the port; BARS_PORT wins when both are set. */
    public static final String MICRONAUT_SERVER_PORT = "MICRONAUT_SERVER_PORT";
    public static final int BARS_PORT_DEFAULT = 8000;
    public static final String POSTGRES_HOST = "POSTGRES_HOST";
    public static final String POSTGRES_HOST_DEFAULT = "127.0.0.1";
    public static final String POSTGRES_PORT = "POSTGRES_PORT";
    public static final int POSTGRES_PORT_DEFAULT = 5432;
    public static final String POSTGRES_DB = "POSTGRES_DB";
    public static final String POSTGRES_DB_DEFAULT = "stockpipe";
    public static final String POSTGRES_USER = "POSTGRES_USER";
    public static final String POSTGRES_USER_DEFAULT = "postgres";
    public static final String POSTGRES_PASSWORD = "POSTGRES_PASSWORD";
    public static final String POSTGRES_PASSWORD_DEFAULT = "postgres";
    public static final String BARS_DB_POOL_SIZE = "BARS_DB_POOL_SIZE";
    public static final int BARS_DB_POOL_SIZE_DEFAULT = 8;
    public static final String BARS_DB_CONNECT_TIMEOUT_MS = "BARS_DB_CONNECT_TIMEOUT_MS";
    public static final int BARS_DB_CONNECT_TIMEOUT_MS_DEFAULT = 2000;
    public static final String BARS_QUERY_TIMEOUT_S = "BARS_QUERY_TIMEOUT_S";
    public static final int BARS_QUERY_TIMEOUT_S_DEFAULT = 10;
    public static final String BARS_MAX_LIMIT = "BARS_MAX_LIMIT";
    public static final int BARS_MAX_LIMIT_DEFAULT = 10_000;
    public static final String BARS_MAX_RANGE_DAYS = "BARS_MAX_RANGE_DAYS";
    public static final int BARS_MAX_RANGE_DAYS_DEFAULT = 3660;
    public static final String CORS_ALLOWED_ORIGINS = "CORS_ALLOWED_ORIGINS";
    public static final String CORS_ALLOWED_ORIGINS_DEFAULT = "http://127.0.0.1:5000,http://localhost:5000";

    /** Variable → one-line doc with its default. */
    public static final Map<String, String> DOCS = docs();

    private static Map<String, String> docs() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(BIND_HOST, "address the HTTP server binds (default " + BIND_HOST_DEFAULT + ")");
        d.put(BARS_PORT, "HTTP port (default " + BARS_PORT_DEFAULT + "; " + MICRONAUT_SERVER_PORT + " is read when unset; 0 = any free port)");
        d.put(POSTGRES_HOST, "PostgreSQL host (default " + POSTGRES_HOST_DEFAULT + ")");
        d.put(POSTGRES_PORT, "PostgreSQL port (default " + POSTGRES_PORT_DEFAULT + ")");
        d.put(POSTGRES_DB, "database holding market_data_oltp (default " + POSTGRES_DB_DEFAULT + ")");
        d.put(POSTGRES_USER, "PostgreSQL user (default " + POSTGRES_USER_DEFAULT + ")");
        d.put(POSTGRES_PASSWORD, "PostgreSQL password, never logged (default " + POSTGRES_PASSWORD_DEFAULT + ")");
        d.put(BARS_DB_POOL_SIZE, "JDBC connections in the pool (default " + BARS_DB_POOL_SIZE_DEFAULT + ")");
        d.put(BARS_DB_CONNECT_TIMEOUT_MS, "wait for a pooled connection before answering 503 (default " + BARS_DB_CONNECT_TIMEOUT_MS_DEFAULT + ")");
        d.put(BARS_QUERY_TIMEOUT_S, "statement timeout of one query, then 503 (default " + BARS_QUERY_TIMEOUT_S_DEFAULT + ")");
        d.put(BARS_MAX_LIMIT, "largest accepted limit; more is a 400 (default " + BARS_MAX_LIMIT_DEFAULT + ")");
        d.put(BARS_MAX_RANGE_DAYS, "widest accepted start..end span in days; more is a 400 (default " + BARS_MAX_RANGE_DAYS_DEFAULT + ")");
        d.put(CORS_ALLOWED_ORIGINS, "comma list of browser origins allowed by CORS (default " + CORS_ALLOWED_ORIGINS_DEFAULT + ")");
        return Map.copyOf(d);
    }

    public BarsConfig {
        corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
    }

    public static BarsConfig defaults() {
        return fromEnv(Map.of());
    }

    /** Reads and validates the environment; throws one {@link IllegalArgumentException} naming every problem. */
    public static BarsConfig fromEnv(Map<String, String> env) {
        Reader r = new Reader(env);
        String bindHost = r.string(BIND_HOST, BIND_HOST_DEFAULT);
        int port = r.env.get(BARS_PORT) == null || r.env.get(BARS_PORT).isBlank()
                ? r.integer(MICRONAUT_SERVER_PORT, BARS_PORT_DEFAULT, 0, 65535)
                : r.integer(BARS_PORT, BARS_PORT_DEFAULT, 0, 65535);
        String pgHost = r.string(POSTGRES_HOST, POSTGRES_HOST_DEFAULT);
        int pgPort = r.integer(POSTGRES_PORT, POSTGRES_PORT_DEFAULT, 1, 65535);
        String pgDb = r.string(POSTGRES_DB, POSTGRES_DB_DEFAULT);
        if (!pgDb.matches("[A-Za-z0-9_\\-]{1,63}")) {
            r.problems.add(POSTGRES_DB + "='" + pgDb + "' is not a plain database name (letters, digits, _ and -)");
        }
        if (!pgHost.matches("[A-Za-z0-9_.:\\-\\[\\]]{1,253}")) {
            r.problems.add(POSTGRES_HOST + "='" + pgHost + "' is not a host name or address");
        }
        String pgUser = r.string(POSTGRES_USER, POSTGRES_USER_DEFAULT);
        String pgPassword = env.getOrDefault(POSTGRES_PASSWORD, POSTGRES_PASSWORD_DEFAULT);
        int pool = r.integer(BARS_DB_POOL_SIZE, BARS_DB_POOL_SIZE_DEFAULT, 1, 200);
        int connectMs = r.integer(BARS_DB_CONNECT_TIMEOUT_MS, BARS_DB_CONNECT_TIMEOUT_MS_DEFAULT, 250, 600_000);
        int queryS = r.integer(BARS_QUERY_TIMEOUT_S, BARS_QUERY_TIMEOUT_S_DEFAULT, 1, 3600);
        int maxLimit = r.integer(BARS_MAX_LIMIT, BARS_MAX_LIMIT_DEFAULT, 1, 1_000_000);
        int maxRange = r.integer(BARS_MAX_RANGE_DAYS, BARS_MAX_RANGE_DAYS_DEFAULT, 1, 100_000);
        List<String> origins = new ArrayList<>();
        for (String o : r.string(CORS_ALLOWED_ORIGINS, CORS_ALLOWED_ORIGINS_DEFAULT).split("\\s*,\\s*")) {
            if (o.isEmpty()) {
                continue;
            }
            if (!validOrigin(o)) {
                r.problems.add(CORS_ALLOWED_ORIGINS + " entry '" + o + "' is not an origin like http://host:port");
            } else {
                origins.add(o);
            }
        }
        if (!r.problems.isEmpty()) {
            throw new IllegalArgumentException("invalid bars-query-service configuration: " + String.join("; ", r.problems));
        }
        return new BarsConfig(bindHost, port, pgHost, pgPort, pgDb, pgUser, pgPassword, pool, connectMs, queryS,
                maxLimit, maxRange, origins);
    }

    static boolean validOrigin(String o) {
        try {
            URI u = URI.create(o);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null
                    && (u.getPath() == null || u.getPath().isEmpty()) && u.getQuery() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + postgresHost + ":" + postgresPort + "/" + postgresDb;
    }

    /** Micronaut property names for these values; they override application.yml's placeholders. */
    public Map<String, Object> toProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("micronaut.server.host", bindHost);
        p.put("micronaut.server.port", port);
        p.put("datasources.default.url", jdbcUrl());
        p.put("datasources.default.username", postgresUser);
        p.put("datasources.default.password", postgresPassword);
        p.put("datasources.default.maximum-pool-size", poolSize);
        p.put("datasources.default.minimum-idle", poolSize);
        p.put("datasources.default.connection-timeout", connectTimeoutMs);
        p.put("bars.query-timeout-seconds", queryTimeoutSeconds);
        p.put("bars.max-limit", maxLimit);
        p.put("bars.max-range-days", maxRangeDays);
        p.put("micronaut.server.cors.configurations.web.allowed-origins", corsAllowedOrigins);
        return p;
    }

    /** Safe to log: the password is masked. */
    @Override
    public String toString() {
        return "BarsConfig[bind=" + bindHost + ":" + port + ", postgres=" + postgresUser + "@" + postgresHost + ":"
                + postgresPort + "/" + postgresDb + " (password " + (postgresPassword.isEmpty() ? "empty" : "set")
                + "), pool=" + poolSize + ", connectTimeoutMs=" + connectTimeoutMs + ", queryTimeoutS="
                + queryTimeoutSeconds + ", maxLimit=" + maxLimit + ", maxRangeDays=" + maxRangeDays
                + ", cors=" + corsAllowedOrigins + "]";
    }

    private static final class Reader {
        final Map<String, String> env;
        final List<String> problems = new ArrayList<>();

        Reader(Map<String, String> env) {
            this.env = env;
        }

        String string(String name, String def) {
            String v = env.get(name);
            return v == null || v.isBlank() ? def : v.trim();
        }

        int integer(String name, int def, int min, int max) {
            String v = env.get(name);
            if (v == null || v.isBlank()) {
                return def;
            }
            try {
                int i = Integer.parseInt(v.trim());
                if (i < min || i > max) {
                    problems.add(name + "=" + v + " is outside " + min + ".." + max);
                    return def;
                }
                return i;
            } catch (NumberFormatException e) {
                problems.add(name + "=" + v + " is not an integer");
                return def;
            }
        }
    }
}

package dev.stockpipe.connect;

import java.util.Map;

/**
 * The PostgreSQL target of the migrations (and, through the worker's environment, of the sink).
 *
 * @param host     {@value #HOST}, default {@value #DEFAULT_HOST}
 * @param port     {@value #PORT}, default {@value #DEFAULT_PORT}
 * @param database {@value #DB}, default {@value #DEFAULT_DB}
 * @param user     {@value #USER}, default {@value #DEFAULT_USER}
 * @param password {@value #PASSWORD}, default {@value #DEFAULT_PASSWORD}; never logged
 */
public record PostgresConfig(String host, int port, String database, String user, String password) {
    /** PostgreSQL host name or address. */
    public static final String HOST = "POSTGRES_HOST";
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** PostgreSQL TCP port. */
    public static final String PORT = "POSTGRES_PORT";
    public static final int DEFAULT_PORT = 5432;
    /** Database that holds schema market_data_oltp. */
    public static final String DB = "POSTGRES_DB";
    public static final String DEFAULT_DB = "stockpipe";
    /** Login role. */
    public static final String USER = "POSTGRES_USER";
    public static final String DEFAULT_USER = "postgres";
    /** Password of the login role (secret: never logged). */
    public static final String PASSWORD = "POSTGRES_PASSWORD";
    public static final String DEFAULT_PASSWORD = "postgres";

    public static PostgresConfig fromEnv(Map<String, String> env) {
        EnvSettings s = new EnvSettings(env);
        PostgresConfig c = new PostgresConfig(
                s.string(HOST, DEFAULT_HOST),
                s.integer(PORT, DEFAULT_PORT, 1, 65535),
                s.string(DB, DEFAULT_DB),
                s.string(USER, DEFAULT_USER),
                s.string(PASSWORD, DEFAULT_PASSWORD));
        s.require(c.database.matches("[A-Za-z0-9_\\-]+"), DB + "=" + c.database + " must be a plain database name");
        s.throwIfProblems("PostgreSQL");
        return c;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "PostgresConfig[" + user + "@" + host + ":" + port + "/" + database + ", password=****]";
    }
}

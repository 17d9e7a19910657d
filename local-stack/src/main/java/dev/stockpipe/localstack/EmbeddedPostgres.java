package dev.stockpipe.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 18 server (zonky's embedded binaries) as a child process listening on 127.0.0.1.
 * Data stays in dataDir, so starting again with the same directory keeps it. Authentication is
 * {@code trust} on loopback: any password is accepted for user {@value #USER}.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
    private static final Pattern SAFE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** Database created at start when none is named. */
    public static final String DEFAULT_DATABASE = "stockpipe";
    public static final String USER = "postgres";
    /** Not checked (trust authentication); given to clients that insist on a password. */
    public static final String PASSWORD = "postgres";

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;
    private final String host;
    private final int port;
    private final String database;
    private final Path dataDir;
    private volatile boolean closed;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg, Path dataDir, String host, int port,
                             String database) {
        this.pg = pg;
        this.dataDir = dataDir;
        this.host = host;
        this.port = port;
        this.database = database;
    }

    /** Starts PostgreSQL on 127.0.0.1:port (0 = a free port) with database {@value #DEFAULT_DATABASE}. */
    public static EmbeddedPostgres start(Path dataDir, int port) {
        return start(dataDir, FreePorts.LOOPBACK, port, DEFAULT_DATABASE);
    }

    /** Starts PostgreSQL on bindHost:port (0 = a free port) and creates database if it is missing. */
    public static EmbeddedPostgres start(Path dataDir, String bindHost, int port, String database) {
        return start(dataDir, bindHost, port, database, true);
    }

    /**
     * As above. {@code shutdownHook=false} leaves stopping it to the caller: {@code up}'s own hook stops the
     * services first and PostgreSQL last, and a hook of the library's own would run at the same time and stop
     * it under Connect's sink tasks (which then fail, and Connect keeps that FAILED state for the next start).
     */
    public static EmbeddedPostgres start(Path dataDir, String bindHost, int port, String database, boolean shutdownHook) {
        requireSafeName(database);
        int pgPort = port == 0 ? FreePorts.pick() : port;
        if (port != 0 && !FreePorts.isFree(bindHost, pgPort)) {
            throw new LocalStackException("PostgreSQL port " + pgPort + " on " + bindHost
                    + " is already in use: stop what listens there or set POSTGRES_PORT to another port");
        }
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;
        try {
            Files.createDirectories(dataDir);
            pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(pgPort)
                    .setServerConfig("listen_addresses", bindHost)
                    .setServerConfig("max_connections", "200")
                    .setPGStartupWait(java.time.Duration.ofSeconds(60))
                    .setRegisterShutdownHook(shutdownHook)
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new LocalStackException("PostgreSQL failed to start from " + dataDir + " (" + e.getMessage()
                    + "): if the data directory is corrupt, delete it (or run `up --clean`)", e);
        }
        String connectHost = "0.0.0.0".equals(bindHost) || "*".equals(bindHost) ? FreePorts.LOOPBACK : bindHost;
        EmbeddedPostgres postgres = new EmbeddedPostgres(pg, dataDir, connectHost, pgPort, database);
        try {
            postgres.ensureDatabase(database);
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
        LOG.info("PostgreSQL ready at {} (data {})", postgres.jdbcUrl(), dataDir);
        return postgres;
    }

    /** PID of the postmaster (first line of postmaster.pid), or -1 when it cannot be read. */
    public long pid() {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Creates a login role with this password unless it exists (the embedded server starts with {@value #USER} only). */
    public void ensureUser(String user, String password) {
        requireSafeName(user);
        if (USER.equals(user)) {
            return;
        }
        try (Connection c = dataSource("postgres").getConnection()) {
            try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
                exists.setString(1, user);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                // Names are checked against SAFE_NAME; the password is quoted as an SQL literal.
                st.execute("CREATE ROLE " + user + " LOGIN SUPERUSER PASSWORD '" + password.replace("'", "''") + "'");
            }
        } catch (SQLException e) {
            throw new LocalStackException("cannot create PostgreSQL role " + user + ": " + e.getMessage(), e);
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    /** JDBC URL of {@link #database()}. */
    public String jdbcUrl() {
        return jdbcUrl(database);
    }

    public String jdbcUrl(String db) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + db;
    }

    /** A fresh (unpooled) DataSource on {@link #database()}. */
    public DataSource dataSource() {
        return dataSource(database);
    }

    public DataSource dataSource(String db) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {host});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(db);
        ds.setUser(USER);
        ds.setPassword(PASSWORD);
        return ds;
    }

    /**
     * Creates database name (lowercase letters, digits, underscores) if it does not exist and returns
     * its JDBC URL; tests use it to get a database of their own.
     */
    public String createDatabase(String name) {
        ensureDatabase(name);
        return jdbcUrl(name);
    }

    private void ensureDatabase(String name) {
        requireSafeName(name);
        try (Connection c = dataSource("postgres").getConnection()) {
            try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, name);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                // The name was checked against SAFE_NAME: CREATE DATABASE cannot take a bind parameter.
                st.execute("CREATE DATABASE " + name);
            }
        } catch (SQLException e) {
            if ("42P04".equals(e.getSQLState())) {
                return; // created concurrently
            }
            throw new LocalStackException("cannot create database " + name + " on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    private static void requireSafeName(String name) {
        if (name == null || !SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("database name must match " + SAFE_NAME + ": " + name);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            pg.close();
            LOG.info("PostgreSQL on port {} stopped", port);
        } catch (IOException | RuntimeException e) {
            LOG.warn("PostgreSQL on port {} did not stop cleanly: {}", port, e.toString());
        }
    }
}

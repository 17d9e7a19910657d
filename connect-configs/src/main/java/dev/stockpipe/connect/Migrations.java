package dev.stockpipe.connect;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the Flyway migrations of {@code db/migration} (schema market_data_oltp) to a PostgreSQL target.
 * Idempotent: a second run applies nothing.
 */
public final class Migrations {
    /** Where the SQL files live; bars-query-service tests read the same folder through {@code filesystem:}. */
    public static final String LOCATION = "classpath:db/migration";
    public static final String SCHEMA = "market_data_oltp";

    private Migrations() {}

    /** What one run did. */
    public record Report(int applied, String schemaVersion, String target) {}

    public static Report migrate(PostgresConfig pg) {
        Flyway flyway = Flyway.configure()
                .dataSource(pg.jdbcUrl(), pg.user(), pg.password())
                .locations(LOCATION)
                // The history table lives beside the tables it describes.
                .schemas(SCHEMA)
                .createSchemas(true)
                .connectRetries(5)
                .load();
        MigrateResult result = flyway.migrate();
        String version = flyway.info().current() == null ? "none" : flyway.info().current().getVersion().getVersion();
        return new Report(result.migrationsExecuted, version, pg.user() + "@" + pg.host() + ":" + pg.port() + "/" + pg.database());
    }
}

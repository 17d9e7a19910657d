package dev.stockpipe.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockpipe.localstack.EmbeddedPostgres;
import dev.stockpipe.testsupport.TestNames;
import dev.stockpipe.testsupport.TestStackExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestStackExtension.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MigrationsIT {
    @Test
    void shouldCreateTheSchemaOnceAndApplyNothingTheSecondTime(EmbeddedPostgres pg, TestInfo info) throws Exception {
        String database = TestNames.unique(info);
        pg.createDatabase(database);
        PostgresConfig target = new PostgresConfig(pg.host(), pg.port(), database, pg.user(), pg.password());

        Migrations.Report first = Migrations.migrate(target);
        Migrations.Report second = Migrations.migrate(target);

        assertThat(first.applied()).isGreaterThanOrEqualTo(1);
        assertThat(second.applied()).isZero();
        assertThat(second.schemaVersion()).isEqualTo(first.schemaVersion());
        List<String> tables = new ArrayList<>();
        try (Connection c = pg.dataSource(database).getConnection();
             ResultSet rs = c.getMetaData().getTables(null, Migrations.SCHEMA, "stock_%", new String[] {"TABLE"})) {
            while (rs.next()) {
                tables.add(rs.getString("TABLE_NAME"));
            }
        }
        assertThat(tables).containsExactlyInAnyOrder("stock_trades_realtime", "stock_bars_staging");
    }
}

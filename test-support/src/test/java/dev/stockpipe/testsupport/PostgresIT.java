package dev.stockpipe.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockpipe.localstack.EmbeddedPostgres;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestStackExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresIT {

    @Test
    void shouldReadBackAnExactDecimalPrice(EmbeddedPostgres pg, TestInfo info) throws SQLException {
        String table = TestNames.unique(info);
        try (Connection c = pg.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + table + " (symbol text PRIMARY KEY, price numeric NOT NULL)");
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
                ins.setString(1, "AAPL");
                ins.setBigDecimal(2, new BigDecimal("150.2500"));
                assertThat(ins.executeUpdate()).isEqualTo(1);
            }
            try (ResultSet rs = st.executeQuery("SELECT price FROM " + table + " WHERE symbol = 'AAPL'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBigDecimal(1)).isEqualTo(new BigDecimal("150.2500"));
            }
        }
        assertThat(pg.host()).isEqualTo("127.0.0.1");
        assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + pg.database());
    }

    @Test
    void shouldGiveEachTestItsOwnDatabase(EmbeddedPostgres pg, TestInfo info) throws SQLException {
        String db = TestNames.unique(info);
        String url = pg.createDatabase(db);
        assertThat(pg.createDatabase(db)).isEqualTo(url); // idempotent
        try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password()); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE only_here (id int)");
            try (ResultSet rs = st.executeQuery("SELECT current_database()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(db);
            }
        }
        try (Connection c = pg.dataSource().getConnection(); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeQuery("SELECT * FROM only_here")).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void shouldRefuseAnUnsafeDatabaseName(EmbeddedPostgres pg) {
        assertThatThrownBy(() -> pg.createDatabase("x; DROP DATABASE postgres")).isInstanceOf(IllegalArgumentException.class);
    }
}

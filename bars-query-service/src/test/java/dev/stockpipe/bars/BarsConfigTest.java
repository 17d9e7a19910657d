package dev.stockpipe.bars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BarsConfigTest {
    @Test
    void shouldDefaultToLoopbackPort8000AndTheLocalDatabase() {
        BarsConfig c = BarsConfig.defaults();
        assertThat(c.bindHost()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8000);
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/stockpipe");
        assertThat(c.maxLimit()).isEqualTo(10_000);
    }

    @Test
    void shouldPreferBarsPortOverMicronautServerPort() {
        assertThat(BarsConfig.fromEnv(Map.of("MICRONAUT_SERVER_PORT", "8100")).port()).isEqualTo(8100);
        assertThat(BarsConfig.fromEnv(Map.of("MICRONAUT_SERVER_PORT", "8100", "BARS_PORT", "8200")).port()).isEqualTo(8200);
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        assertThatThrownBy(() -> BarsConfig.fromEnv(Map.of("BARS_PORT", "x", "POSTGRES_PORT", "0",
                "BARS_MAX_LIMIT", "-5", "CORS_ALLOWED_ORIGINS", "not an origin", "POSTGRES_DB", "a;b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BARS_PORT=x").hasMessageContaining("POSTGRES_PORT=0")
                .hasMessageContaining("BARS_MAX_LIMIT=-5").hasMessageContaining("CORS_ALLOWED_ORIGINS")
                .hasMessageContaining("POSTGRES_DB");
    }

    @Test
    void shouldNeverPrintThePassword() {
        BarsConfig c = BarsConfig.fromEnv(Map.of("POSTGRES_PASSWORD", "s3cret-value"));
        assertThat(c.toString()).doesNotContain("s3cret-value");
        assertThat(c.toProperties()).containsEntry("datasources.default.password", "s3cret-value");
    }

    @Test
    void shouldKeepApplicationYmlDefaultsEqualToBarsConfig() throws IOException {
        String yml = Files.readString(Path.of("src/main/resources/application.yml"));
        Matcher m = Pattern.compile("\\$\\{([A-Z_]+):`?([^`}]*)`?}").matcher(yml);
        Map<String, String> expected = Map.ofEntries(
                Map.entry("BIND_HOST", BarsConfig.BIND_HOST_DEFAULT),
                Map.entry("BARS_PORT", String.valueOf(BarsConfig.BARS_PORT_DEFAULT)),
                Map.entry("POSTGRES_HOST", BarsConfig.POSTGRES_HOST_DEFAULT),
                Map.entry("POSTGRES_PORT", String.valueOf(BarsConfig.POSTGRES_PORT_DEFAULT)),
                Map.entry("POSTGRES_DB", BarsConfig.POSTGRES_DB_DEFAULT),
                Map.entry("POSTGRES_USER", BarsConfig.POSTGRES_USER_DEFAULT),
                Map.entry("POSTGRES_PASSWORD", BarsConfig.POSTGRES_PASSWORD_DEFAULT),
                Map.entry("BARS_DB_POOL_SIZE", String.valueOf(BarsConfig.BARS_DB_POOL_SIZE_DEFAULT)),
                Map.entry("BARS_DB_CONNECT_TIMEOUT_MS", String.valueOf(BarsConfig.BARS_DB_CONNECT_TIMEOUT_MS_DEFAULT)),
                Map.entry("BARS_QUERY_TIMEOUT_S", String.valueOf(BarsConfig.BARS_QUERY_TIMEOUT_S_DEFAULT)),
                Map.entry("BARS_MAX_LIMIT", String.valueOf(BarsConfig.BARS_MAX_LIMIT_DEFAULT)),
                Map.entry("BARS_MAX_RANGE_DAYS", String.valueOf(BarsConfig.BARS_MAX_RANGE_DAYS_DEFAULT)),
                Map.entry("CORS_ALLOWED_ORIGINS", BarsConfig.CORS_ALLOWED_ORIGINS_DEFAULT));
        int seen = 0;
        while (m.find()) {
            assertThat(expected).as("placeholder %s in application.yml", m.group(1)).containsKey(m.group(1));
            assertThat(m.group(2)).as("default of %s", m.group(1)).isEqualTo(expected.get(m.group(1)));
            seen++;
        }
        assertThat(seen).isGreaterThanOrEqualTo(expected.size());
    }

    @Test
    void shouldDocumentEveryVariableInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (String name : BarsConfig.DOCS.keySet()) {
            assertThat(readme).as("README mentions %s", name).contains("`" + name + "`");
        }
    }
}

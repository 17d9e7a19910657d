package dev.stockpipe.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {
    @Test
    void shouldUseDocumentedPostgresDefaults() {
        PostgresConfig pg = PostgresConfig.fromEnv(Map.of());
        assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/stockpipe");
        assertThat(pg.user()).isEqualTo("postgres");
        assertThat(PostgresConfig.fromEnv(Map.of("POSTGRES_PASSWORD", "s3cret")).toString()).doesNotContain("s3cret");
    }

    @Test
    void shouldReportEveryBadVariableAtOnce() {
        assertThatThrownBy(() -> PostgresConfig.fromEnv(Map.of("POSTGRES_PORT", "x", "POSTGRES_DB", "a b")))
                .hasMessageContaining("POSTGRES_PORT=x").hasMessageContaining("POSTGRES_DB=a b");
        assertThatThrownBy(() -> ConnectWorkerConfig.fromEnv(Map.of("CONNECT_REST_PORT", "0", "CONNECT_PLUGIN_PATH", "/nope")))
                .hasMessageContaining("CONNECT_REST_PORT=0").hasMessageContaining("CONNECT_PLUGIN_PATH=/nope");
    }

    @Test
    void shouldConfigureTheWorkerForFastStartAndOverrides() {
        ConnectWorkerConfig c = ConnectWorkerConfig.fromEnv(Map.of());
        assertThat(c.restPort()).isEqualTo(8083);
        Map<String, String> p = c.workerProperties(Map.of());
        assertThat(p).containsEntry("listeners", "http://127.0.0.1:8083")
                .containsEntry("plugin.discovery", "service_load")
                .containsEntry("connector.client.config.override.policy", "All")
                .containsEntry("config.providers.env.class", EnvConfigProvider.class.getName())
                .containsEntry("config.storage.replication.factor", "1");
        assertThat(c.pluginPath().resolve("debezium-connector-jdbc")).isDirectory();
    }

    @Test
    void shouldHandTheSinkOnlyTheDefaultsOfUnsetPostgresVariables() {
        Map<String, String> d = ConnectWorkerMain.postgresDefaults(Map.of("POSTGRES_HOST", "db.internal", "POSTGRES_PASSWORD", "x"));
        assertThat(d).containsEntry("POSTGRES_PORT", "5432").containsEntry("POSTGRES_DB", "stockpipe")
                .containsEntry("POSTGRES_USER", "postgres").doesNotContainKeys("POSTGRES_HOST", "POSTGRES_PASSWORD");
    }

    @Test
    void shouldResolveProviderParametersBeforeTheProcessEnvironment() {
        try (EnvConfigProvider p = new EnvConfigProvider()) {
            p.configure(Map.of("POSTGRES_HOST", "db.test"));
            assertThat(p.get("", java.util.Set.of("POSTGRES_HOST")).data()).containsEntry("POSTGRES_HOST", "db.test");
            assertThat(p.get("", java.util.Set.of("NO_SUCH_VARIABLE_X")).data()).isEmpty();
        }
    }

    @Test
    void shouldResolveBatchSizeInBothConnectorFilesFromTheWorkerWithItsDefaultWhenUnset() {
        for (String file : java.util.List.of(ConnectorConfigFile.TRADES_SINK_FILE, ConnectorConfigFile.BARS_SINK_FILE)) {
            Map<String, String> raw = ConnectorConfigFile.load(java.nio.file.Path.of(file)).config();
            assertThat(raw).containsEntry("batch.size", "${env:BATCH_SIZE}")
                    .containsEntry("consumer.override.max.poll.records", "${env:BATCH_SIZE}");
            // BATCH_SIZE unset: the worker hands its provider the documented default.
            assertThat(resolved(Map.of(), raw)).containsEntry("batch.size", "5000")
                    .containsEntry("consumer.override.max.poll.records", "5000");
            assertThat(resolved(Map.of("BATCH_SIZE", "1200"), raw)).containsEntry("batch.size", "1200")
                    .containsEntry("consumer.override.max.poll.records", "1200");
        }
        assertThatThrownBy(() -> ConnectWorkerConfig.fromEnv(Map.of("BATCH_SIZE", "0"))).hasMessageContaining("BATCH_SIZE=0");
        assertThatThrownBy(() -> ConnectWorkerConfig.fromEnv(Map.of("BATCH_SIZE", "lots"))).hasMessageContaining("BATCH_SIZE=lots");
    }

    /** The connector config as a worker started with {@code env} resolves it: the worker's own provider and Kafka's transformer. */
    static Map<String, String> resolved(Map<String, String> env, Map<String, String> connectorConfig) {
        Map<String, String> worker = ConnectWorkerConfig.fromEnv(env).workerProperties(Map.of());
        Map<String, String> params = new java.util.HashMap<>();
        String prefix = "config.providers.env.param.";
        worker.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                params.put(k.substring(prefix.length()), v);
            }
        });
        EnvConfigProvider provider = new EnvConfigProvider();
        provider.configure(params);
        try {
            return new org.apache.kafka.common.config.ConfigTransformer(Map.of("env", provider)).transform(connectorConfig).data();
        } finally {
            provider.close();
        }
    }
}

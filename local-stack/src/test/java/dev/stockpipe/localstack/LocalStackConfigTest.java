package dev.stockpipe.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalStackConfigTest {

    @Test
    void shouldUseDocumentedDefaultsAndEmbeddedPartsWhenNothingIsSet() {
        LocalStackConfig cfg = LocalStackConfig.fromEnv(Map.of());
        assertThat(cfg.home()).isEqualTo(Path.of(".stockpipe").toAbsolutePath().normalize());
        assertThat(cfg.bindHost()).isEqualTo("127.0.0.1");
        assertThat(cfg.kafkaExternal()).isFalse();
        assertThat(cfg.postgresExternal()).isFalse();
        assertThat(cfg.redisExternal()).isFalse();
        assertThat(cfg.kafkaPort()).isEqualTo(9092);
        assertThat(cfg.postgresPort()).isEqualTo(5432);
        assertThat(cfg.redisPort()).isEqualTo(6379);
        assertThat(cfg.kafkaPortSet() || cfg.postgresPortSet() || cfg.redisPortSet()).isFalse();
        assertThat(cfg.kafkaPartitions()).isEqualTo(6);
        assertThat(cfg.postgresDb()).isEqualTo("stockpipe");
        assertThat(cfg.postgresUser()).isEqualTo("postgres");
    }

    @Test
    void shouldTreatAPartAsExternalWhenItsHostVariableIsSet() {
        LocalStackConfig cfg = LocalStackConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "kafka:29092", "POSTGRES_HOST", "db", "POSTGRES_PORT", "5433",
                "REDIS_HOST", "cache", "KAFKA_REPLICATION_FACTOR", "3"));
        assertThat(cfg.kafkaExternal()).isTrue();
        assertThat(cfg.kafkaReplicationFactor()).isEqualTo((short) 3);
        assertThat(cfg.postgresExternal()).isTrue();
        assertThat(cfg.postgresPort()).isEqualTo(5433);
        assertThat(cfg.postgresPortSet()).isTrue();
        assertThat(cfg.redisExternal()).isTrue();
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        assertThatThrownBy(() -> LocalStackConfig.fromEnv(Map.of(
                "KAFKA_PORT", "abc", "POSTGRES_PORT", "70000", "REDIS_PORT", "0", "KAFKA_PARTITIONS", "-1",
                "POSTGRES_DB", "Bad-Name", "KAFKA_BOOTSTRAP_SERVERS", "no port here")))
                .isInstanceOfSatisfying(LocalStackConfig.ConfigException.class, e -> assertThat(e.problems())
                        .hasSize(6)
                        .anySatisfy(p -> assertThat(p).startsWith("KAFKA_PORT=abc"))
                        .anySatisfy(p -> assertThat(p).startsWith("POSTGRES_PORT=70000"))
                        .anySatisfy(p -> assertThat(p).startsWith("REDIS_PORT=0"))
                        .anySatisfy(p -> assertThat(p).startsWith("KAFKA_PARTITIONS=-1"))
                        .anySatisfy(p -> assertThat(p).startsWith("POSTGRES_DB=Bad-Name"))
                        .anySatisfy(p -> assertThat(p).startsWith("KAFKA_BOOTSTRAP_SERVERS=no port here")));
    }

    @Test
    void shouldRefuseReplicationAboveOneForTheSingleNodeBroker() {
        assertThatThrownBy(() -> LocalStackConfig.fromEnv(Map.of("KAFKA_REPLICATION_FACTOR", "3")))
                .hasMessageContaining("single node");
    }

    @Test
    void shouldNeverPrintThePassword() {
        LocalStackConfig cfg = LocalStackConfig.fromEnv(Map.of("POSTGRES_PASSWORD", "s3cret-value"));
        assertThat(cfg.toString()).doesNotContain("s3cret-value");
    }

    @Test
    void shouldDocumentEveryVariableInTheReadme() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (String name : LocalStackConfig.VARIABLES.keySet()) {
            assertThat(readme).as("README documents " + name).contains("`" + name + "`");
        }
    }
}

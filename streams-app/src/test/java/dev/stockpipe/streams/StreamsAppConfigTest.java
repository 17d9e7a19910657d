package dev.stockpipe.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockpipe.model.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsAppConfigTest {

    @Test
    void shouldUseDocumentedDefaultsWhenEnvironmentIsEmpty() {
        StreamsAppConfig c = StreamsAppConfig.defaults();
        assertThat(c.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(c.applicationId()).isEqualTo("stockpipe-streams");
        assertThat(c.bindHost()).isEqualTo("127.0.0.1");
        assertThat(c.queryPort()).isEqualTo(8084);
        assertThat(c.advertisedHost()).isEqualTo("127.0.0.1");
        assertThat(c.standbyReplicas()).isZero();
        assertThat(c.topology().dedupeWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(c.topology().pendingWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(c.topology().tradesRawTopic()).isEqualTo(Topics.TRADES_RAW_NAME);
        assertThat(c.topology().rejectsTopic()).isEqualTo(Topics.REJECTS_NAME);
        assertThat(c.topology()).isEqualTo(TopologyConfig.defaults());
    }

    @Test
    void shouldReadEveryVariable() {
        StreamsAppConfig c = StreamsAppConfig.fromEnv(Map.ofEntries(
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", "a:1,b:2"),
                Map.entry("STREAMS_APPLICATION_ID", "app-2"),
                Map.entry("STREAMS_STATE_DIR", "/var/lib/x"),
                Map.entry("STREAMS_NUM_STANDBY_REPLICAS", "1"),
                Map.entry("STREAMS_IQ_PORT", "9999"),
                Map.entry("BIND_HOST", "0.0.0.0"),
                Map.entry("STREAMS_ADVERTISED_HOST", "streams-1"),
                Map.entry("STREAMS_DEDUPE_WINDOW", "PT2H"),
                Map.entry("STREAMS_PENDING_WINDOW", "30m"),
                Map.entry("STREAMS_TOPIC_TRADES", "t.clean")));
        assertThat(c.bootstrapServers()).isEqualTo("a:1,b:2");
        assertThat(c.standbyReplicas()).isEqualTo(1);
        assertThat(c.applicationServer(9999)).isEqualTo("streams-1:9999");
        assertThat(c.topology().dedupeWindow()).isEqualTo(Duration.ofHours(2));
        assertThat(c.topology().pendingWindow()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.topology().tradesTopic()).isEqualTo("t.clean");
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        assertThatThrownBy(() -> StreamsAppConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "nope",
                "STREAMS_IQ_PORT", "70000",
                "STREAMS_DEDUPE_WINDOW", "forever",
                "STREAMS_NUM_STANDBY_REPLICAS", "-1",
                "BIND_HOST", "0.0.0.0")))
                .isInstanceOf(StreamsAppConfig.ConfigException.class)
                .satisfies(e -> assertThat(((StreamsAppConfig.ConfigException) e).problems()).hasSize(5))
                .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS='nope'")
                .hasMessageContaining("STREAMS_IQ_PORT='70000'")
                .hasMessageContaining("STREAMS_DEDUPE_WINDOW='forever'")
                .hasMessageContaining("STREAMS_NUM_STANDBY_REPLICAS='-1'")
                .hasMessageContaining("STREAMS_ADVERTISED_HOST");
    }

    @Test
    void shouldConfigureExactlyOnceV2AndTheExceptionHandlers() {
        StreamsAppConfig c = StreamsAppConfig.defaults();
        Properties p = StreamsProperties.of(c, "127.0.0.1:8084",
                new dev.stockpipe.streams.metrics.PipelineCounters(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(p.get(StreamsConfig.APPLICATION_SERVER_CONFIG)).isEqualTo("127.0.0.1:8084");
        assertThat(p).containsKeys(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG);
        // Kafka accepts the whole set.
        new StreamsConfig(p);
    }

    @Test
    void shouldDocumentEveryVariableInTheReadme() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (StreamsAppConfig.Variable v : StreamsAppConfig.VARIABLES) {
            assertThat(readme).as("README documents " + v.name()).contains("`" + v.name() + "`");
        }
    }
}

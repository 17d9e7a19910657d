package dev.stockpipe.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockpipe.localstack.EmbeddedKafka;
import dev.stockpipe.localstack.EmbeddedPostgres;
import dev.stockpipe.localstack.EmbeddedRedis;
import dev.stockpipe.localstack.FreePorts;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Outage tests stop a part and start it again: it must come back on the same port with its data. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RestartIT {

    @Test
    void shouldKeepTopicDataWhenBrokerRestartsOnSamePortAndDataDir(@TempDir Path dir, TestInfo info) throws Exception {
        String topic = TestNames.unique(info);
        int port;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
            port = kafka.port();
            kafka.createTopics(1, topic);
            try (KafkaProducer<String, String> producer = KafkaIT.producer(kafka, Map.of())) {
                producer.send(new ProducerRecord<>(topic, "AAPL", "before-restart")).get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(FreePorts.isListening("127.0.0.1", port, 500)).as("port released after close").isFalse();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, port)) {
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            try (KafkaProducer<String, String> producer = KafkaIT.producer(kafka, Map.of())) {
                producer.send(new ProducerRecord<>(topic, "AAPL", "after-restart")).get(30, TimeUnit.SECONDS);
            }
            List<String> values = KafkaIT.consumeValues(kafka, topic, "read_committed", 2);
            assertThat(values).containsExactly("before-restart", "after-restart");
        }
    }

    @Test
    void shouldKeepRowsWhenPostgresRestartsOnSameDataDir(@TempDir Path dir) throws Exception {
        int port;
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0);
             Connection c = pg.dataSource().getConnection(); Statement st = c.createStatement()) {
            port = pg.port();
            st.execute("CREATE TABLE kept (v text)");
            st.execute("INSERT INTO kept VALUES ('still here')");
        }
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, port);
             Connection c = pg.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT v FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("still here");
        }
    }

    @Test
    void shouldServeAgainWhenRedisRestartsOnSamePort() {
        int port;
        try (EmbeddedRedis redis = EmbeddedRedis.start(0)) {
            port = redis.port();
            assertThat(redis.ping()).isTrue();
        }
        assertThat(EmbeddedRedis.ping("127.0.0.1", port, 500)).as("down after close").isFalse();
        try (EmbeddedRedis redis = EmbeddedRedis.start(port)) {
            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.ping()).isTrue();
        }
    }
}

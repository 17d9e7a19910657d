package dev.stockpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.ingest.ItSupport.Subscriber;
import dev.stockpipe.ingest.ItSupport.TopicReader;
import dev.stockpipe.ingest.alpaca.StreamClient;
import dev.stockpipe.localstack.EmbeddedKafka;
import dev.stockpipe.localstack.EmbeddedRedis;
import dev.stockpipe.model.RecordHeaders;
import dev.stockpipe.model.alpaca.AlpacaMessage;
import dev.stockpipe.sim.AlpacaSimulator;
import dev.stockpipe.testsupport.TestNames;
import dev.stockpipe.testsupport.TestServices;
import dev.stockpipe.testsupport.TestStackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The bridge against alpaca-sim on a real KRaft broker and a real Redis: the happy paths. */
@ExtendWith(TestStackExtension.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class IngestBridgeIT {
    private static final List<String> SYMBOLS = List.of("AAPL", "MSFT", "GOOGL");

    private EmbeddedKafka kafka;
    private EmbeddedRedis redis;
    private String name;

    @BeforeEach
    void setUp(TestInfo info) {
        kafka = TestServices.kafka();
        redis = TestServices.redis();
        name = TestNames.unique(info);
        kafka.createTopics(3, name + ".trades.raw", name + ".bars.raw");
    }

    private IngestConfig config(AlpacaSimulator sim, Map<String, String> extra) {
        Map<String, String> env = ItSupport.env(name, sim, kafka.bootstrapServers(), redis.host(), redis.port(), SYMBOLS);
        env.putAll(extra);
        return IngestConfig.fromEnv(env);
    }

    @Test
    void shouldProduceEverySimulatedTradeOnceInOrderPerSymbolAndPublishEachToRedis() {
        try (AlpacaSimulator sim = AlpacaSimulator.builder().seed(42L).symbols(SYMBOLS).tradesPerSecond(400)
                .correctionRate(0.01).cancelRate(0.01).start()) {
            sim.pause();
            IngestConfig cfg = config(sim, Map.of());
            try (Subscriber sub = new Subscriber(redis.host(), redis.port(), cfg.redisChannel());
                 IngestBridge bridge = IngestBridge.start(cfg);
                 TopicReader trades = new TopicReader(kafka.bootstrapServers(), cfg.tradesRawTopic())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> bridge.client().subscribed());
                int before = sim.groundTruth().emitted().size();
                sim.resume();
                await().atMost(Duration.ofSeconds(60)).until(() -> sim.groundTruth().emitted().size() - before > 3000);
                sim.pause();

                // Stable once the paused model's last step is out and the bridge has produced it.
                List<AlpacaMessage>[] expected = new List[1];
                List<ConsumerRecord<String, byte[]>>[] got = new List[1];
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    List<AlpacaMessage> all = sim.groundTruth().emitted();
                    expected[0] = all.subList(before, all.size());
                    got[0] = trades.poll();
                    return got[0].size() >= tradeFamily(expected[0]).size();
                });
                Map<String, List<String>> expectedBySymbol = bySymbol(tradeFamily(expected[0]));
                Map<String, List<String>> gotBySymbol = new LinkedHashMap<>();
                for (ConsumerRecord<String, byte[]> r : got[0]) {
                    JsonNode n = ItSupport.json(r.value());
                    assertThat(r.key()).isEqualTo(n.get("S").asText());
                    assertThat(ItSupport.header(r, RecordHeaders.FEED)).isEqualTo("iex");
                    assertThat(ItSupport.header(r, RecordHeaders.SESSION)).isNotBlank();
                    assertThat(Long.parseLong(ItSupport.header(r, RecordHeaders.RECEIVED_AT))).isPositive();
                    assertThat(ItSupport.header(r, RecordHeaders.SOURCE)).isNull();
                    gotBySymbol.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(ItSupport.rawId(n));
                }
                assertThat(gotBySymbol).isEqualTo(expectedBySymbol);
                assertThat(expectedBySymbol.values().stream().mapToInt(List::size).sum()).isGreaterThan(2000);

                Set<String> liveExpected = new java.util.HashSet<>();
                for (AlpacaMessage m : expected[0]) {
                    if (m instanceof dev.stockpipe.model.alpaca.AlpacaTrade t) {
                        liveExpected.add(ItSupport.tradeId(t));
                    }
                }
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(sub.tradeIds()).containsAll(liveExpected));
                assertThat(bridge.metrics().count("ingest.bad.input")).isZero();
            }
        }
    }

    @Test
    void shouldReadMessagePackFramesAndProduceThemAsJson() {
        try (AlpacaSimulator sim = AlpacaSimulator.builder().seed(7L).symbols(SYMBOLS).tradesPerSecond(200).start()) {
            sim.pause();
            IngestConfig cfg = config(sim, Map.of(IngestConfig.ALPACA_STREAM_ENCODING, "msgpack"));
            try (IngestBridge bridge = IngestBridge.start(cfg);
                 TopicReader trades = new TopicReader(kafka.bootstrapServers(), cfg.tradesRawTopic())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> bridge.client().subscribed());
                int before = sim.groundTruth().emitted().size();
                sim.resume();
                await().atMost(Duration.ofSeconds(60)).until(() -> sim.groundTruth().emitted().size() - before > 500);
                sim.pause();
                List<String>[] expected = new List[1];
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    List<AlpacaMessage> all = sim.groundTruth().emitted();
                    expected[0] = tradeFamily(all.subList(before, all.size()));
                    List<String> got = trades.poll().stream().map(r -> ItSupport.rawId(ItSupport.json(r.value()))).toList();
                    assertThat(got).containsExactlyInAnyOrderElementsOf(expected[0]);
                });
                JsonNode first = ItSupport.json(trades.poll().get(0).value());
                assertThat(first.get("t").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z");
            }
        }
    }

    @Test
    void shouldReportHealthAndPrometheusMetrics() throws Exception {
        try (AlpacaSimulator sim = AlpacaSimulator.builder().seed(1L).symbols(SYMBOLS).tradesPerSecond(100).start();
             IngestBridge bridge = IngestBridge.start(config(sim, Map.of()))) {
            HttpClient http = HttpClient.newHttpClient();
            URI health = URI.create("http://127.0.0.1:" + bridge.httpPort() + "/health");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                JsonNode n = dev.stockpipe.model.Json.MAPPER.readTree(r.body());
                assertThat(n.get("connected").asBoolean()).isTrue();
                assertThat(n.get("authenticated").asBoolean()).isTrue();
                assertThat(n.get("subscribed").asBoolean()).isTrue();
                assertThat(n.get("last_message_age_ms").isNumber()).isTrue();
            });
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> m = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.httpPort() + "/metrics"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(m.statusCode()).isEqualTo(200);
                assertThat(m.body()).contains("ingest_messages_total{type=\"t\"}", "ingest_frames_total",
                        "ingest_publish_latency_seconds_bucket", "ingest_kafka_sent_total");
            });
        }
    }

    @Test
    void shouldStopRetryingAndSayTheKeyIsWrongOn402() {
        try (AlpacaSimulator sim = AlpacaSimulator.builder().seed(1L).symbols(SYMBOLS).tradesPerSecond(10).start();
             IngestBridge bridge = IngestBridge.start(config(sim, Map.of(IngestConfig.ALPACA_SIM_KEY, "wrong")))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> bridge.client().state() == StreamClient.State.AUTH_FAILED);
            assertThat(bridge.metrics().count("ingest.reconnects")).isZero();
            assertThat(bridge.client().subscribed()).isFalse();
        }
    }

    static List<String> tradeFamily(List<AlpacaMessage> messages) {
        List<String> out = new ArrayList<>();
        for (AlpacaMessage m : messages) {
            String id = ItSupport.emittedId(m);
            if (id != null) {
                out.add(id);
            }
        }
        return out;
    }

    static Map<String, List<String>> bySymbol(List<String> ids) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String id : ids) {
            out.computeIfAbsent(id.split("\\|")[1], k -> new ArrayList<>()).add(id);
        }
        return out;
    }
}

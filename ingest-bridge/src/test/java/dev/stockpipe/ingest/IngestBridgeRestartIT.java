package dev.stockpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.ingest.ItSupport.TopicReader;
import dev.stockpipe.localstack.EmbeddedKafka;
import dev.stockpipe.localstack.EmbeddedRedis;
import dev.stockpipe.model.RecordHeaders;
import dev.stockpipe.model.TradeStatus;
import dev.stockpipe.sim.AlpacaSimulator;
import dev.stockpipe.sim.SimTrade;
import dev.stockpipe.testsupport.TestNames;
import dev.stockpipe.testsupport.TestServices;
import dev.stockpipe.testsupport.TestStackExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A bridge process that stops (or dies) and a new one that starts later: the new one reads where the old one
 * stopped from the raw topics and backfills the downtime, so nothing of the ground truth is missing. The simulator
 * runs 20x faster than real time so the downtime crosses minute bars.
 */
@ExtendWith(TestStackExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IngestBridgeRestartIT {
    private static final List<String> SYMBOLS = List.of("AAPL", "MSFT", "GOOGL");

    private static void runFor(AlpacaSimulator sim, Duration d) {
        Instant until = sim.modelTime().plus(d);
        await().atMost(Duration.ofSeconds(60)).until(() -> !sim.modelTime().isBefore(until));
    }

    /** "canceled S|x|i" per x record and "corrected S|x|oi" per c record of the raw trades topic. */
    private static Set<String> updates(List<ConsumerRecord<String, byte[]>> records) {
        Set<String> out = new HashSet<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            JsonNode n = ItSupport.json(r.value());
            String type = n.path("T").asText();
            if (type.equals("x")) {
                out.add("canceled " + n.path("S").asText() + "|" + n.path("x").asText() + "|" + n.path("i").asLong());
            } else if (type.equals("c")) {
                out.add("corrected " + n.path("S").asText() + "|" + n.path("x").asText() + "|" + n.path("oi").asLong());
            }
        }
        return out;
    }

    @Test
    void shouldBackfillWhatWasMissedWhileTheBridgeWasDownAfterARestart(TestInfo info) {
        EmbeddedKafka kafka = TestServices.kafka();
        EmbeddedRedis redis = TestServices.redis();
        String name = TestNames.unique(info);
        kafka.createTopics(3, name + ".trades.raw", name + ".bars.raw");
        try (AlpacaSimulator sim = AlpacaSimulator.builder().seed(21L).symbols(SYMBOLS).tradesPerSecond(6).speed(20)
                .correctionRate(0.01).cancelRate(0.01).start()) {
            sim.pause();
            IngestConfig cfg = IngestConfig.fromEnv(ItSupport.env(name, sim, kafka.bootstrapServers(), redis.host(), redis.port(), SYMBOLS));
            Instant from;
            try (IngestBridge first = IngestBridge.start(cfg)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> first.client().subscribed());
                await().atMost(Duration.ofSeconds(30)).until(() -> first.startupResume() != null);
                assertThat(first.startupResume().empty()).as("a first start finds nothing to resume").isTrue();
                from = sim.modelTime();
                sim.resume();
                runFor(sim, Duration.ofSeconds(70));
            }
            // Down: the market goes on for 90 s of model time (several minute bars) with nobody listening.
            runFor(sim, Duration.ofSeconds(90));
            try (IngestBridge second = IngestBridge.start(cfg);
                 TopicReader trades = new TopicReader(kafka.bootstrapServers(), cfg.tradesRawTopic());
                 TopicReader bars = new TopicReader(kafka.bootstrapServers(), cfg.barsRawTopic())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> second.client().subscribed());
                await().atMost(Duration.ofSeconds(60)).until(() -> second.metrics().count("ingest.gaps") >= 1);
                assertThat(second.startupResume().trades()).containsOnlyKeys(SYMBOLS);
                runFor(sim, Duration.ofSeconds(70));
                // Minute bars become final only after the next :30 of model time: how many a run of fixed length holds
                // depends on where it started in the minute, so run on until the three minutes per symbol exist.
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        sim.groundTruth().bars(from, sim.modelTime()).size() >= 3 * SYMBOLS.size());
                sim.pause();
                Instant to = sim.modelTime().plusSeconds(1);
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                        assertThat(ItSupport.summary(ItSupport.missing(sim, from, to, trades.poll(), bars.poll()))).isEqualTo("0 missing"));
                assertThat(sim.groundTruth().trades(from, to)).hasSizeGreaterThan(100);
                assertThat(sim.groundTruth().bars(from, to)).hasSizeGreaterThanOrEqualTo(3 * SYMBOLS.size());
                // Cancels and corrections emitted while nobody listened reach streams-app too (as x / c records).
                List<String> changed = new ArrayList<>();
                for (SimTrade t : sim.groundTruth().trades(from, to)) {
                    if (t.status() == TradeStatus.CANCELED || t.status() == TradeStatus.CORRECTED) {
                        changed.add(t.status().name().toLowerCase(Locale.ROOT) + " " + ItSupport.tradeId(t.trade()));
                    }
                }
                assertThat(changed).as("the run has cancels or corrections").isNotEmpty();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                        assertThat(updates(trades.poll())).containsAll(changed));
                assertThat(trades.poll().stream().filter(r -> RecordHeaders.SOURCE_BACKFILL.equals(ItSupport.header(r, RecordHeaders.SOURCE))))
                        .as("the downtime came from the REST backfill").isNotEmpty();
            }
        }
    }

    @Test
    void shouldNotBackfillAtStartupWhenDisabled(TestInfo info) {
        EmbeddedKafka kafka = TestServices.kafka();
        EmbeddedRedis redis = TestServices.redis();
        String name = TestNames.unique(info);
        kafka.createTopics(3, name + ".trades.raw", name + ".bars.raw");
        try (AlpacaSimulator sim = AlpacaSimulator.builder().seed(22L).symbols(SYMBOLS).tradesPerSecond(6).speed(20).start()) {
            Map<String, String> env = ItSupport.env(name, sim, kafka.bootstrapServers(), redis.host(), redis.port(), SYMBOLS);
            env.put(IngestConfig.INGEST_STARTUP_BACKFILL_MAX, "0");
            IngestConfig cfg = IngestConfig.fromEnv(env);
            try (IngestBridge first = IngestBridge.start(cfg)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> first.metrics().count("ingest.kafka.sent") > 20);
            }
            try (IngestBridge second = IngestBridge.start(cfg)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> second.metrics().count("ingest.kafka.sent") > 20);
                assertThat(second.startupResume()).isNull();
                assertThat(second.metrics().count("ingest.gaps")).isZero();
            }
        }
    }
}

package dev.stockpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stockpipe.ingest.ItSupport.Subscriber;
import dev.stockpipe.ingest.ItSupport.TopicReader;
import dev.stockpipe.localstack.EmbeddedKafka;
import dev.stockpipe.localstack.EmbeddedRedis;
import dev.stockpipe.model.RecordHeaders;
import dev.stockpipe.sim.AlpacaSimulator;
import dev.stockpipe.testsupport.TestNames;
import dev.stockpipe.testsupport.TestServices;
import dev.stockpipe.testsupport.TestStackExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault tests: the simulator's faults against the bridge on a real broker and Redis. The simulator runs
 * 20x faster than real time so a test crosses several minute bars; after each fault the bridge must recover by itself
 * and, after backfill, the raw topics must hold every trade and bar of the ground truth (duplicates allowed). The
 * "broker down for 30 s" case is scaled down to 10 s here.
 */
@ExtendWith(TestStackExtension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class IngestBridgeFaultsIT {
    private static final List<String> SYMBOLS = List.of("AAPL", "MSFT", "GOOGL");
    private static final double SPEED = 20;

    /** One run: sim, bridge and readers; {@link #verifyComplete()} checks the ground truth against the topics. */
    private final class Run implements AutoCloseable {
        final AlpacaSimulator sim;
        final IngestConfig cfg;
        final IngestBridge bridge;
        final TopicReader trades;
        final TopicReader bars;
        final String bootstrap;
        Instant from;

        Run(String name, String bootstrap, String redisHost, int redisPort, Map<String, String> extra, long seed) {
            this.bootstrap = bootstrap;
            sim = AlpacaSimulator.builder().seed(seed).symbols(SYMBOLS).tradesPerSecond(6).speed(SPEED)
                    .correctionRate(0.01).cancelRate(0.01).start();
            sim.pause();
            Map<String, String> env = ItSupport.env(name, sim, bootstrap, redisHost, redisPort, SYMBOLS);
            env.putAll(extra);
            cfg = IngestConfig.fromEnv(env);
            bridge = IngestBridge.start(cfg);
            trades = new TopicReader(bootstrap, cfg.tradesRawTopic());
            bars = new TopicReader(bootstrap, cfg.barsRawTopic());
            await().atMost(Duration.ofSeconds(30)).until(() -> bridge.client().subscribed());
            from = sim.modelTime();
            sim.resume();
        }

        /** Lets model time run {@code d} past now. */
        void runFor(Duration d) {
            Instant until = sim.modelTime().plus(d);
            await().atMost(Duration.ofSeconds(60)).until(() -> !sim.modelTime().isBefore(until));
        }

        void awaitSubscribed() {
            await().atMost(Duration.ofSeconds(60)).until(() -> bridge.client().subscribed());
        }

        /** Pauses the market, then waits until nothing of [from, pause) is missing from the raw topics. */
        void verifyComplete() {
            // A minute bar is final only after the next :30 of model time, so how many bars a run of fixed length
            // holds depends on where it started in the minute: let the market run until every symbol has one.
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    sim.groundTruth().bars(from, sim.modelTime()).size() >= SYMBOLS.size());
            sim.pause();
            Instant to = sim.modelTime().plusSeconds(1);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(ItSupport.summary(ItSupport.missing(sim, from, to, trades.poll(), bars.poll()))).isEqualTo("0 missing"));
            assertThat(sim.groundTruth().trades(from, to)).hasSizeGreaterThan(100);
            assertThat(sim.groundTruth().bars(from, to)).hasSizeGreaterThanOrEqualTo(SYMBOLS.size());
        }

        long backfilled() {
            return trades.poll().stream().filter(r -> RecordHeaders.SOURCE_BACKFILL.equals(ItSupport.header(r, RecordHeaders.SOURCE))).count();
        }

        @Override
        public void close() {
            bars.close();
            trades.close();
            bridge.close();
            sim.close();
        }
    }

    private Run run(TestInfo info, Map<String, String> extra, long seed) {
        EmbeddedKafka kafka = TestServices.kafka();
        EmbeddedRedis redis = TestServices.redis();
        String name = TestNames.unique(info);
        kafka.createTopics(3, name + ".trades.raw", name + ".bars.raw");
        return new Run(name, kafka.bootstrapServers(), redis.host(), redis.port(), extra, seed);
    }

    @Test
    void shouldBackfillTheGapAfterTheConnectionDrops(TestInfo info) {
        try (Run r = run(info, Map.of(), 11L)) {
            r.runFor(Duration.ofSeconds(70));
            r.sim.faults().dropConnections();
            await().atMost(Duration.ofSeconds(30)).until(() -> r.bridge.metrics().count("ingest.gaps") >= 1);
            r.awaitSubscribed();
            r.runFor(Duration.ofSeconds(70));
            r.verifyComplete();
            assertThat(r.backfilled()).isPositive();
        }
    }

    @Test
    void shouldNoticeADeadSocketByHeartbeatAndRecover(TestInfo info) {
        try (Run r = run(info, Map.of(), 12L)) {
            r.runFor(Duration.ofSeconds(70));
            r.sim.faults().goSilent(Duration.ofSeconds(6));
            await().atMost(Duration.ofSeconds(30)).until(() -> r.bridge.metrics().count("ingest.reconnects") >= 1);
            r.awaitSubscribed();
            await().atMost(Duration.ofSeconds(30)).until(() -> r.bridge.metrics().count("ingest.gaps") >= 1);
            r.runFor(Duration.ofSeconds(70));
            r.verifyComplete();
        }
    }

    @Test
    void shouldWaitOutA406StormAndRecover(TestInfo info) {
        try (Run r = run(info, Map.of(), 13L)) {
            r.runFor(Duration.ofSeconds(70));
            r.sim.faults().refuseConnections(Duration.ofSeconds(3));
            r.sim.faults().dropConnections();
            await().atMost(Duration.ofSeconds(30)).until(() -> r.bridge.metrics().registry().find("ingest.reconnects")
                    .tag("cause", "connection_limit").counter() != null);
            r.awaitSubscribed();
            r.runFor(Duration.ofSeconds(70));
            r.verifyComplete();
        }
    }

    @Test
    void shouldWaitOutHttp429AtTheUpgradeAndRateLimitedBackfill(TestInfo info) {
        try (Run r = run(info, Map.of(), 14L)) {
            r.runFor(Duration.ofSeconds(70));
            r.sim.faults().rejectUpgrades(2);
            r.sim.faults().rest429(2);
            r.sim.faults().dropConnections();
            await().atMost(Duration.ofSeconds(30)).until(() -> r.bridge.metrics().registry().find("ingest.reconnects")
                    .tag("cause", "rate_limited").counter() != null);
            r.awaitSubscribed();
            r.runFor(Duration.ofSeconds(70));
            r.verifyComplete();
            assertThat(r.bridge.metrics().count("ingest.backfill.rate.limited")).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void shouldCountAMalformedFrameAndKeepStreaming(TestInfo info) {
        try (Run r = run(info, Map.of(), 15L)) {
            r.runFor(Duration.ofSeconds(70));
            r.sim.faults().sendMalformedFrame();
            await().atMost(Duration.ofSeconds(30)).until(() -> r.bridge.metrics().count("ingest.bad.input") >= 1);
            r.runFor(Duration.ofSeconds(70));
            r.verifyComplete();
            assertThat(r.bridge.metrics().count("ingest.reconnects")).isZero();
        }
    }

    @Test
    void shouldPassADuplicatedFrameOnWithoutLosingAnything(TestInfo info) {
        try (Run r = run(info, Map.of(), 16L)) {
            r.runFor(Duration.ofSeconds(70));
            long before = r.trades.poll().size();
            r.sim.faults().duplicateNextFrame();
            r.runFor(Duration.ofSeconds(70));
            r.verifyComplete();
            List<ConsumerRecord<String, byte[]>> all = r.trades.poll();
            Map<String, Integer> counts = new HashMap<>();
            for (ConsumerRecord<String, byte[]> rec : all.subList((int) before, all.size())) {
                counts.merge(ItSupport.rawId(ItSupport.json(rec.value())), 1, Integer::sum);
            }
            assertThat(counts.values()).contains(2);
        }
    }

    @Test
    void shouldDropLiveEventsWhileRedisIsDownAndResumeAfter(TestInfo info) {
        EmbeddedKafka kafka = TestServices.kafka();
        String name = TestNames.unique(info);
        kafka.createTopics(3, name + ".trades.raw", name + ".bars.raw");
        EmbeddedRedis redis = EmbeddedRedis.start(0);
        int port = redis.port();
        try (Run r = new Run(name, kafka.bootstrapServers(), redis.host(), port, Map.of(), 17L)) {
            r.runFor(Duration.ofSeconds(30));
            redis.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> r.bridge.metrics().count("ingest.redis.dropped") >= 10);
            r.runFor(Duration.ofSeconds(30));
            redis = EmbeddedRedis.start(port);
            try (Subscriber sub = new Subscriber(redis.host(), port, r.cfg.redisChannel())) {
                await().atMost(Duration.ofSeconds(60)).until(() -> !sub.tradeIds().isEmpty());
            }
            r.runFor(Duration.ofSeconds(30));
            r.verifyComplete();
            assertThat(r.bridge.metrics().count("ingest.reconnects")).isZero();
        } finally {
            redis.close();
        }
    }

    @Test
    void shouldHoldTheReaderWhileTheBrokerIsDownAndLoseNothing(TestInfo info, @TempDir Path dir) throws Exception {
        // A broker of its own, restarted on the same port and data directory. 30 s in the issue, 10 s here.
        EmbeddedKafka kafka = EmbeddedKafka.start(Files.createDirectories(dir.resolve("kafka")), 0);
        int port = kafka.port();
        String bootstrap = kafka.bootstrapServers();
        String name = TestNames.unique(info);
        kafka.createTopics(3, name + ".trades.raw", name + ".bars.raw");
        EmbeddedRedis redis = TestServices.redis();
        try (Run r = new Run(name, bootstrap, redis.host(), redis.port(),
                Map.of(IngestConfig.INGEST_KAFKA_BUFFER_BYTES, "131072", IngestConfig.INGEST_KAFKA_BATCH_BYTES, "16384"), 18L)) {
            r.runFor(Duration.ofSeconds(30));
            kafka.close();
            await().atMost(Duration.ofSeconds(60)).until(() -> r.bridge.metrics().kafkaBackpressure.count() >= 1);
            // Keep it down for 10 s in all (not a timing assertion: the outage's length is the scenario).
            await().pollDelay(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(9)).until(() -> true);
            kafka = EmbeddedKafka.start(dir.resolve("kafka"), port);
            r.runFor(Duration.ofSeconds(60));
            r.verifyComplete();
            assertThat(r.bridge.metrics().count("ingest.kafka.dropped")).isZero();
        } finally {
            kafka.close();
        }
    }
}

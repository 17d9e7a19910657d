package dev.stockpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockpipe.ingest.alpaca.Encoding;
import dev.stockpipe.ingest.alpaca.FrameParser;
import dev.stockpipe.ingest.alpaca.ParsedFrame;
import dev.stockpipe.ingest.alpaca.StopSignal;
import dev.stockpipe.ingest.publish.KafkaPublisher;
import dev.stockpipe.ingest.publish.RedisPublisher;
import dev.stockpipe.model.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Routing, headers, bad-input counting and gap bounds of the per-frame work, on Kafka's MockProducer. */
class IngestPipelineTest {
    private static final String TRADE = "{\"T\":\"t\",\"S\":\"AAPL\",\"i\":1,\"x\":\"V\",\"p\":190.5,\"s\":10,\"c\":[\"@\"],\"z\":\"C\",\"t\":\"2026-01-05T15:00:01.5Z\"}";
    private static final String BAR = "{\"T\":\"b\",\"S\":\"MSFT\",\"o\":1,\"h\":2,\"l\":1,\"c\":2,\"v\":5,\"t\":\"2026-01-05T15:00:00Z\"}";

    private final Clock clock = Clock.fixed(Instant.parse("2026-01-05T15:01:00Z"), ZoneOffset.UTC);
    private final IngestMetrics metrics = new IngestMetrics();
    private final StopSignal stop = new StopSignal();
    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final KafkaPublisher kafka = new KafkaPublisher(producer, metrics, stop);
    // Never started: every live event counts as dropped, which is what this test needs from flow A.
    private final RedisPublisher redis = new RedisPublisher("127.0.0.1", 1, "ch", 10, metrics, stop);
    private final IngestConfig cfg = IngestConfig.fromEnv(Map.of(IngestConfig.SUBSCRIBED_SYMBOLS, "AAPL,MSFT"));
    private final IngestPipeline pipeline = new IngestPipeline(cfg, kafka, redis, null, metrics, clock);

    @AfterEach
    void tearDown() {
        redis.close();
    }

    private void frame(String json) {
        ParsedFrame f = new FrameParser().parse(json.getBytes(StandardCharsets.UTF_8), Encoding.JSON);
        pipeline.onFrame(f, json.getBytes(StandardCharsets.UTF_8), 123_456_789L, System.nanoTime(), "s1");
    }

    @Test
    void shouldProduceTradesAndBarsToTheirRawTopicsKeyedBySymbolWithHeaders() {
        frame("[" + TRADE + "," + BAR + "]");

        List<ProducerRecord<String, byte[]>> sent = producer.history();
        assertThat(sent).extracting(ProducerRecord::topic).containsExactly("stocks.trades.raw", "stocks.bars.raw");
        assertThat(sent).extracting(ProducerRecord::key).containsExactly("AAPL", "MSFT");
        assertThat(new String(sent.get(0).value(), StandardCharsets.UTF_8)).isEqualTo(TRADE);
        ProducerRecord<String, byte[]> r = sent.get(0);
        assertThat(new String(r.headers().lastHeader(RecordHeaders.RECEIVED_AT).value(), StandardCharsets.UTF_8)).isEqualTo("123456789");
        assertThat(new String(r.headers().lastHeader(RecordHeaders.FEED).value(), StandardCharsets.UTF_8)).isEqualTo("iex");
        assertThat(new String(r.headers().lastHeader(RecordHeaders.SESSION).value(), StandardCharsets.UTF_8)).isEqualTo("s1");
        assertThat(r.headers().lastHeader(RecordHeaders.SOURCE)).isNull();
        assertThat(metrics.count("ingest.redis.dropped")).isEqualTo(2);
    }

    @Test
    void shouldStillProduceInvalidAndUnknownMessagesButCountThem() {
        frame("[{\"T\":\"t\",\"S\":\"AAPL\",\"p\":-1},{\"T\":\"zz\",\"S\":\"AAPL\"},{\"T\":\"q\",\"S\":\"AAPL\"}]");

        assertThat(producer.history()).hasSize(2);
        assertThat(metrics.count("ingest.bad.input")).isEqualTo(2);
        assertThat(metrics.count("ingest.messages")).isEqualTo(3);
    }

    @Test
    void shouldCountAFrameThatIsNotJsonAndProduceNothing() {
        frame("not json at all");

        assertThat(producer.history()).isEmpty();
        assertThat(metrics.registry().find("ingest.bad.input").tag("kind", "frame_malformed_json").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldStartTheGapAtTheLastSeenTradeMinusTheOverlapAndAtTheLastBar() {
        pipeline.onSubscribed("s1", false);
        frame("[" + TRADE + "," + BAR + "]");

        GapBackfill.Gap gap = pipeline.gap("test", clock.instant());

        assertThat(gap.tradesFrom().get("AAPL")).isEqualTo(Instant.parse("2026-01-05T15:00:01.5Z").minus(Duration.ofSeconds(10)));
        assertThat(gap.barsFrom().get("MSFT")).isEqualTo(Instant.parse("2026-01-05T15:00:00Z"));
        // Not seen yet: from the first subscription.
        assertThat(gap.tradesFrom().get("MSFT")).isEqualTo(clock.instant().minus(Duration.ofSeconds(10)));
        assertThat(gap.barsFrom().get("AAPL")).isEqualTo(Instant.parse("2026-01-05T15:01:00Z"));
    }

    private static long nanos(String instant) {
        Instant i = Instant.parse(instant);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    @Test
    void shouldResumeAfterARestartFromTheLastStoredTradeMinusOverlapAndTheLastStoredBar() {
        long started = nanos("2026-01-05T15:05:00Z");
        StartupResume.Result r = new StartupResume.Result(
                Map.of("AAPL", new StartupResume.Point(Instant.parse("2026-01-05T15:04:30Z"), nanos("2026-01-05T15:04:30Z"))),
                Map.of("AAPL", new StartupResume.Point(Instant.parse("2026-01-05T15:03:00Z"), nanos("2026-01-05T15:04:00Z"))), 2);

        GapBackfill.Gap g = pipeline.startupGap(r, started, Duration.ofHours(1), clock.instant());

        assertThat(g.tradesFrom()).containsEntry("AAPL", Instant.parse("2026-01-05T15:04:20Z"));
        assertThat(g.barsFrom()).containsEntry("AAPL", Instant.parse("2026-01-05T15:03:00Z"));
        // MSFT is in neither tail: it starts with the earliest symbol Kafka knows.
        assertThat(g.tradesFrom()).containsEntry("MSFT", Instant.parse("2026-01-05T15:03:00Z"));
        assertThat(g.barsFrom()).containsEntry("MSFT", Instant.parse("2026-01-05T15:03:00Z"));
    }

    @Test
    void shouldBackfillOnlyTheLastMaxWhenDownLongerThanTheStartupBound() {
        long started = nanos("2026-01-05T18:00:00Z");
        StartupResume.Result r = new StartupResume.Result(
                Map.of("AAPL", new StartupResume.Point(Instant.parse("2026-01-05T15:00:00Z"), nanos("2026-01-05T15:00:00Z"))),
                Map.of(), 1);

        GapBackfill.Gap g = pipeline.startupGap(r, started, Duration.ofHours(1), clock.instant());

        assertThat(g.tradesFrom()).containsEntry("AAPL", Instant.parse("2026-01-05T17:00:00Z"));
        assertThat(g.barsFrom()).containsEntry("AAPL", Instant.parse("2026-01-05T17:00:00Z"));
    }

    @Test
    void shouldNotBackfillAtAFirstStartWhenTheTopicsAreEmpty() {
        StartupResume.Result r = new StartupResume.Result(Map.of(), Map.of(), 0);

        assertThat(pipeline.startupGap(r, nanos("2026-01-05T15:05:00Z"), Duration.ofHours(1), clock.instant())).isNull();
    }
}

package dev.stockpipe.streams;

import dev.stockpipe.model.Bar;
import dev.stockpipe.model.JsonSerde;
import dev.stockpipe.model.Reject;
import dev.stockpipe.model.Trade;
import dev.stockpipe.streams.metrics.PipelineCounters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** A TopologyTestDriver over the real topology, with a fixed wall clock and explicit record times. */
final class TopologyFixture implements AutoCloseable {
    /** The fixed wall clock of the "not more than a day ahead" rule. */
    static final Instant NOW = Instant.parse("2024-03-15T15:00:00Z");
    static final Duration DEDUPE = Duration.ofHours(1);
    static final Duration PENDING = Duration.ofMinutes(10);
    static final Duration PURGE = Duration.ofMinutes(1);

    final TopologyConfig cfg = TopologyConfig.defaults().withWindows(DEDUPE, PENDING, PURGE);
    final PipelineCounters counters = new PipelineCounters(new SimpleMeterRegistry());
    final TopologyTestDriver driver;
    final TestInputTopic<String, byte[]> tradesRaw;
    final TestInputTopic<String, byte[]> barsRaw;
    final TestOutputTopic<String, Trade> trades;
    final TestOutputTopic<String, Bar> bars;
    final TestOutputTopic<String, Reject> rejects;
    private final Path stateDir;

    TopologyFixture() {
        try {
            stateDir = Files.createTempDirectory("streams-ttd");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "ttd");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.putAll(StreamsProperties.handlers(cfg, counters));
        driver = new TopologyTestDriver(TradeTopology.build(cfg, Clock.fixed(NOW, ZoneOffset.UTC), counters), p, NOW);
        tradesRaw = driver.createInputTopic(cfg.tradesRawTopic(), new StringSerializer(), new ByteArraySerializer());
        barsRaw = driver.createInputTopic(cfg.barsRawTopic(), new StringSerializer(), new ByteArraySerializer());
        trades = driver.createOutputTopic(cfg.tradesTopic(), new StringDeserializer(), JsonSerde.of(Trade.class));
        bars = driver.createOutputTopic(cfg.barsTopic(), new StringDeserializer(), JsonSerde.of(Bar.class));
        rejects = driver.createOutputTopic(cfg.rejectsTopic(), new StringDeserializer(), JsonSerde.of(Reject.class));
    }

    // ------------------------------------------------------------------ input

    void trade(String key, String json, Instant recordTime) {
        pipe(tradesRaw, key, bytes(json), recordTime, null);
    }

    void tradeBytes(String key, byte[] value, Instant recordTime) {
        pipe(tradesRaw, key, value, recordTime, null);
    }

    void bar(String key, String json, Instant recordTime) {
        pipe(barsRaw, key, bytes(json), recordTime, null);
    }

    void backfillBar(String key, String json, Instant recordTime) {
        pipe(barsRaw, key, bytes(json), recordTime, dev.stockpipe.model.RecordHeaders.SOURCE_BACKFILL);
    }

    private static void pipe(TestInputTopic<String, byte[]> topic, String key, byte[] value, Instant at, String source) {
        RecordHeaders h = new RecordHeaders();
        long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano() + 1_500; // received shortly after
        h.add(new RecordHeader(dev.stockpipe.model.RecordHeaders.RECEIVED_AT, Long.toString(nanos).getBytes(StandardCharsets.UTF_8)));
        h.add(new RecordHeader(dev.stockpipe.model.RecordHeaders.FEED, "iex".getBytes(StandardCharsets.UTF_8)));
        if (source != null) {
            h.add(new RecordHeader(dev.stockpipe.model.RecordHeaders.SOURCE, source.getBytes(StandardCharsets.UTF_8)));
        }
        topic.pipeInput(new TestRecord<>(key, value, h, at));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ messages

    static String tradeJson(String sym, long id, String x, String price, long size, String t) {
        return "{\"T\":\"t\",\"S\":\"" + sym + "\",\"i\":" + id + ",\"x\":\"" + x + "\",\"p\":" + price + ",\"s\":" + size
                + ",\"c\":[\"@\"],\"z\":\"C\",\"t\":\"" + t + "\"}";
    }

    static String correctionJson(String sym, String x, long oi, String op, long ci, String cp, long cs, String t) {
        return "{\"T\":\"c\",\"S\":\"" + sym + "\",\"x\":\"" + x + "\",\"oi\":" + oi + ",\"op\":" + op + ",\"os\":100,\"oc\":[\"@\"],"
                + "\"ci\":" + ci + ",\"cp\":" + cp + ",\"cs\":" + cs + ",\"cc\":[\"@\",\"I\"],\"z\":\"C\",\"t\":\"" + t + "\"}";
    }

    static String cancelJson(String sym, String x, long id, String p, String t) {
        return "{\"T\":\"x\",\"S\":\"" + sym + "\",\"i\":" + id + ",\"x\":\"" + x + "\",\"p\":" + p + ",\"s\":100,\"a\":\"C\",\"z\":\"C\",\"t\":\"" + t + "\"}";
    }

    static String barJson(String type, String sym, String o, String h, String l, String c, long v, String t) {
        return "{\"T\":\"" + type + "\",\"S\":\"" + sym + "\",\"o\":" + o + ",\"h\":" + h + ",\"l\":" + l + ",\"c\":" + c
                + ",\"v\":" + v + ",\"n\":12,\"vw\":" + o + ",\"t\":\"" + t + "\"}";
    }

    List<Trade> tradesOut() {
        return trades.readValuesToList();
    }

    List<Reject> rejectsOut() {
        return rejects.readValuesToList();
    }

    @Override
    public void close() {
        driver.close();
        try (var walk = Files.walk(stateDir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a leftover temp dir is harmless
        }
    }
}

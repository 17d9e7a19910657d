package dev.stockpipe.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The bridge's meters (Prometheus names: ingest_*). Counters with tags are cached so the hot path does no lookup. */
public final class IngestMetrics {
    private final PrometheusMeterRegistry registry;
    private final Map<String, Counter> messages = new ConcurrentHashMap<>();
    private final Map<String, Counter> badInput = new ConcurrentHashMap<>();
    private final Map<String, Counter> reconnects = new ConcurrentHashMap<>();
    private final Map<String, Counter> redisDropped = new ConcurrentHashMap<>();
    private final Map<String, Counter> kafkaSent = new ConcurrentHashMap<>();
    private final Map<String, Counter> backfillRecords = new ConcurrentHashMap<>();

    public final Counter frames;
    public final Counter frameBytes;
    public final Counter redisPublished;
    public final Counter redisErrors;
    public final Counter kafkaErrors;
    public final Counter kafkaBackpressure;
    public final Counter kafkaDropped;
    public final Counter gaps;
    public final Counter backfillFailures;
    public final Counter backfillRateLimited;
    public final DistributionSummary gapSeconds;
    public final Timer publishLatency;
    public final Timer redisAckLatency;

    public IngestMetrics() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        frames = Counter.builder("ingest.frames").description("stream frames received").register(registry);
        frameBytes = Counter.builder("ingest.frame.bytes").description("stream frame bytes received").register(registry);
        redisPublished = Counter.builder("ingest.redis.published").description("live events PUBLISHed").register(registry);
        redisErrors = Counter.builder("ingest.redis.errors").description("Redis commands that failed").register(registry);
        kafkaErrors = Counter.builder("ingest.kafka.errors").description("Kafka records whose delivery failed").register(registry);
        kafkaBackpressure = Counter.builder("ingest.kafka.backpressure")
                .description("times the stream reader waited because the producer buffer was full or metadata missing").register(registry);
        kafkaDropped = Counter.builder("ingest.kafka.dropped").description("raw records given up (delivery timeout or shutdown)").register(registry);
        gaps = Counter.builder("ingest.gaps").description("stream gaps (reconnects after a subscribed session)").register(registry);
        backfillFailures = Counter.builder("ingest.backfill.failures").description("gap backfills that could not complete").register(registry);
        backfillRateLimited = Counter.builder("ingest.backfill.rate.limited").description("REST 429 answers waited out").register(registry);
        gapSeconds = DistributionSummary.builder("ingest.gap.seconds").description("length of each stream gap").baseUnit("seconds").register(registry);
        publishLatency = Timer.builder("ingest.publish.latency")
                .description("frame arrival to Redis PUBLISH written to the socket")
                .publishPercentiles(0.5, 0.99, 0.999).publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(1000)).maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry);
        redisAckLatency = Timer.builder("ingest.redis.ack.latency")
                .description("frame arrival to Redis answering the PUBLISH")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(1000)).maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }

    /** Messages by T; unknown T values share one tag so a hostile feed cannot blow up cardinality. */
    public Counter message(String type) {
        String tag = dev.stockpipe.ingest.alpaca.Route.isKnownType(type) ? type : "unknown";
        return messages.computeIfAbsent(tag, t -> Counter.builder("ingest.messages").tag("type", t)
                .description("stream messages by T").register(registry));
    }

    public Counter badInput(String kind) {
        return badInput.computeIfAbsent(kind, k -> Counter.builder("ingest.bad.input").tag("kind", k)
                .description("malformed or unknown feed input, by kind").register(registry));
    }

    public Counter reconnect(String cause) {
        return reconnects.computeIfAbsent(cause, c -> Counter.builder("ingest.reconnects").tag("cause", c)
                .description("stream reconnects by cause").register(registry));
    }

    public Counter redisDropped(String reason) {
        return redisDropped.computeIfAbsent(reason, r -> Counter.builder("ingest.redis.dropped").tag("reason", r)
                .description("live events not published (flow A is best-effort)").register(registry));
    }

    public Counter kafkaSent(String topic) {
        return kafkaSent.computeIfAbsent(topic, t -> Counter.builder("ingest.kafka.sent").tag("topic", t)
                .description("raw records handed to the producer").register(registry));
    }

    public Counter backfillRecords(String topic) {
        return backfillRecords.computeIfAbsent(topic, t -> Counter.builder("ingest.backfill.records").tag("topic", t)
                .description("records recovered from REST after a gap").register(registry));
    }

    public void recordPublishLatency(long nanos) {
        publishLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Value of a counter for tests and health: sum over all tag values. */
    public double count(String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }
}

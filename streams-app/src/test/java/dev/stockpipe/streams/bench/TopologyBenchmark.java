package dev.stockpipe.streams.bench;

import dev.stockpipe.localstack.EmbeddedKafka;
import dev.stockpipe.model.JsonSerde;
import dev.stockpipe.model.RecordHeaders;
import dev.stockpipe.model.Trade;
import dev.stockpipe.streams.StreamsApp;
import dev.stockpipe.streams.StreamsAppConfig;
import dev.stockpipe.testsupport.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Not a test: sustained trades/s through the real topology with exactly_once_v2 on a real KRaft broker
 * (in this JVM), then raw → clean latency at a fixed rate (received-at header → read_committed consumer).
 * <pre>
 * cd streams-app && mvn -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
 * java -Xmx2g -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) \
 *     dev.stockpipe.streams.bench.TopologyBenchmark [trades=500000] [threads=2] [latencyRate=20000] [latencySeconds=10] [commitMs=100]
 * </pre>
 */
public final class TopologyBenchmark {
    private static final int PARTITIONS = 6;
    private static final int SYMBOLS = 100;
    private static final JsonSerde<Trade> TRADE = JsonSerde.of(Trade.class);

    public static void main(String[] args) throws Exception {
        int trades = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        String commitMs = args.length > 4 ? args[4] : StreamsAppConfig.COMMIT_INTERVAL_MS_DEFAULT;
        EmbeddedKafka kafka = TestServices.kafka();
        String name = "bench_" + Long.toString(System.nanoTime(), 36);
        Map<String, String> env = new HashMap<>();
        env.put(StreamsAppConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        env.put(StreamsAppConfig.APPLICATION_ID, name);
        env.put(StreamsAppConfig.QUERY_PORT, "0");
        env.put(StreamsAppConfig.NUM_THREADS, Integer.toString(threads));
        env.put(StreamsAppConfig.COMMIT_INTERVAL_MS, commitMs);
        env.put(StreamsAppConfig.STATE_DIR, Files.createTempDirectory("bench-state").toString());
        env.put(StreamsAppConfig.TOPIC_TRADES_RAW, name + ".trades.raw");
        env.put(StreamsAppConfig.TOPIC_BARS_RAW, name + ".bars.raw");
        env.put(StreamsAppConfig.TOPIC_TRADES, name + ".trades");
        env.put(StreamsAppConfig.TOPIC_BARS, name + ".bars");
        env.put(StreamsAppConfig.TOPIC_REJECTS, name + ".rejects");
        kafka.createTopics(PARTITIONS, name + ".trades.raw", name + ".bars.raw", name + ".trades", name + ".bars", name + ".rejects");
        String raw = name + ".trades.raw";
        String clean = name + ".trades";

        Instant t0 = Instant.now().minus(Duration.ofHours(1));
        long produceStart = System.nanoTime();
        try (KafkaProducer<String, byte[]> p = producer(kafka)) {
            for (int i = 0; i < trades; i++) {
                p.send(record(raw, i, t0));
            }
        }
        System.out.printf("pre-produced %,d raw trades in %.1f s%n", trades, (System.nanoTime() - produceStart) / 1e9);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
             StreamsApp app = StreamsApp.start(StreamsAppConfig.fromEnv(env))) {
            while (app.streams().state() != KafkaStreams.State.RUNNING) {
                Thread.sleep(20);
            }
            long start = System.nanoTime();
            while (!committed(admin, name, raw)) {
                Thread.sleep(100);
            }
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("THROUGHPUT: %,d trades in %.2f s = %,.0f trades/s (exactly_once_v2, %d partitions, %d stream threads, commit every %s ms)%n",
                    trades, secs, trades / secs, PARTITIONS, threads, commitMs);

            latency(kafka, raw, clean, trades, rate, seconds, t0);
        } finally {
            TestServices.closeAll();
        }
    }

    private static void latency(EmbeddedKafka kafka, String raw, String clean, int offset, int rate, int seconds, Instant t0)
            throws Exception {
        Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(clean).stream().map(pi -> new TopicPartition(clean, pi.partition()))
                    .collect(Collectors.toList());
            c.assign(parts);
            c.seekToEnd(parts);
            parts.forEach(c::position);
            int total = rate * seconds;
            long warmupEnd = rate * 2L;
            Thread producerThread = new Thread(() -> {
                try (KafkaProducer<String, byte[]> p = producer(kafka)) {
                    long begin = System.nanoTime();
                    for (int i = 0; i < total; i++) {
                        long due = begin + (long) (i * (1e9 / rate));
                        while (System.nanoTime() < due) {
                            Thread.onSpinWait();
                        }
                        p.send(record(raw, offset + i, t0));
                    }
                }
            });
            producerThread.start();
            long seen = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 60L);
            while (seen < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    seen++;
                    if (seen < warmupEnd) {
                        continue;
                    }
                    // received_at of the clean trade = the raw record's received-at header = when it was produced.
                    Instant sent = TRADE.deserialize(clean, r.value()).receivedAt();
                    long sentNanos = sent.getEpochSecond() * 1_000_000_000L + sent.getNano();
                    Instant now = Instant.now();
                    long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
                    h.recordValue(Math.max(0, (nowNanos - sentNanos) / 1000));
                }
            }
            producerThread.join();
            System.out.printf("LATENCY raw->clean at %,d trades/s for %d s (first 2 s warm-up dropped, %,d samples): "
                            + "p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms%n", rate, seconds, h.getTotalCount(),
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                    h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
        }
    }

    private static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static ProducerRecord<String, byte[]> record(String topic, int i, Instant t0) {
        String symbol = "S" + (i % SYMBOLS);
        int id = i / SYMBOLS + 1;
        String json = "{\"T\":\"t\",\"S\":\"" + symbol + "\",\"i\":" + id + ",\"x\":\"V\",\"p\":" + (100 + i % 50) + ".25,\"s\":"
                + (i % 7 + 1) + ",\"c\":[\"@\"],\"z\":\"C\",\"t\":\"" + t0.plusNanos(i * 1000L) + "\"}";
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, symbol, json.getBytes(StandardCharsets.UTF_8));
        Instant now = Instant.now();
        r.headers().add(RecordHeaders.RECEIVED_AT,
                Long.toString(now.getEpochSecond() * 1_000_000_000L + now.getNano()).getBytes(StandardCharsets.UTF_8));
        return r;
    }

    private static boolean committed(Admin admin, String group, String topic) throws Exception {
        var offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        for (var e : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet()) {
            var c = offsets.get(e.getKey());
            if (c == null || c.offset() < e.getValue().offset()) {
                return false;
            }
        }
        return true;
    }

    private TopologyBenchmark() {}

}

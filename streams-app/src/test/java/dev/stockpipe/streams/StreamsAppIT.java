package dev.stockpipe.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.localstack.EmbeddedKafka;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.JsonSerde;
import dev.stockpipe.model.RecordHeaders;
import dev.stockpipe.model.Reject;
import dev.stockpipe.model.Trade;
import dev.stockpipe.testsupport.TestNames;
import dev.stockpipe.testsupport.TestStackExtension;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances on the real broker, one killed with SIGKILL mid-stream (a separate JVM, so nothing is
 * closed cleanly), a third joining afterwards: the clean topic (read_committed) holds every trade
 * exactly once, rejects hold every garbage record exactly once, and interactive queries from either
 * live instance answer the right latest trade for every symbol.
 */
@Tag("integration")
@Timeout(value = 480, unit = TimeUnit.SECONDS)
@ExtendWith(TestStackExtension.class)
class StreamsAppIT {
    static final int PARTITIONS = 4;
    static final int SYMBOLS = 8;
    static final int TRADES_PER_SYMBOL = 600;
    static final int GARBAGE = 20;
    static final Instant T0 = Instant.now().minus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);

    @Test
    void shouldWriteEachTradeExactlyOnceAndAnswerFromEveryInstanceWhenOneIsKilledMidStream(
            EmbeddedKafka kafka, TestInfo info, @TempDir Path tmp) throws Exception {
        String name = TestNames.unique(info);
        Map<String, String> env = new HashMap<>();
        env.put(StreamsAppConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        env.put(StreamsAppConfig.APPLICATION_ID, name);
        env.put(StreamsAppConfig.QUERY_PORT, "0");
        env.put(StreamsAppConfig.SESSION_TIMEOUT_MS, "8000");
        env.put(StreamsAppConfig.TOPIC_TRADES_RAW, name + ".trades.raw");
        env.put(StreamsAppConfig.TOPIC_BARS_RAW, name + ".bars.raw");
        env.put(StreamsAppConfig.TOPIC_TRADES, name + ".trades");
        env.put(StreamsAppConfig.TOPIC_BARS, name + ".bars");
        env.put(StreamsAppConfig.TOPIC_REJECTS, name + ".rejects");
        kafka.createTopics(PARTITIONS, name + ".trades.raw", name + ".bars.raw", name + ".trades", name + ".bars", name + ".rejects");

        CountDownLatch killDone = new CountDownLatch(1);
        Process killed = startInOwnJvm(env, tmp.resolve("a"));
        StreamsApp survivor = null;
        StreamsApp joiner = null;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            survivor = StreamsApp.start(config(env, tmp.resolve("b")));
            StreamsApp b = survivor;
            // Both instances own tasks before data flows, so the kill takes work away from a live owner.
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).until(() ->
                    b.streams().state() == KafkaStreams.State.RUNNING
                            && b.streams().metadataForAllStreamsClients().stream().filter(m -> !m.topicPartitions().isEmpty()).count() == 2);

            Map<String, Trade> expectedLatest = new HashMap<>();
            AtomicReference<Throwable> producerError = new AtomicReference<>();
            Thread producer = new Thread(() -> {
                try {
                    produce(kafka.bootstrapServers(), env.get(StreamsAppConfig.TOPIC_TRADES_RAW), killDone);
                } catch (Throwable e) {
                    producerError.set(e);
                }
            }, "it-producer");
            producer.setDaemon(true);
            producer.start();
            produceBars(kafka.bootstrapServers(), env.get(StreamsAppConfig.TOPIC_BARS_RAW));

            // Kill the first instance once output is flowing, while the producer is still sending.
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() ->
                    countCommitted(kafka, env.get(StreamsAppConfig.TOPIC_TRADES)) >= 600);
            boolean producingAtKill = producer.isAlive();
            killed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            assertThat(killed.isAlive()).isFalse();
            killDone.countDown();
            assertThat(producingAtKill).as("the kill lands mid-stream").isTrue();
            joiner = StreamsApp.start(config(env, tmp.resolve("c")));
            producer.join(TimeUnit.MINUTES.toMillis(3));
            assertThat(producerError.get()).isNull();
            assertThat(producer.isAlive()).isFalse();

            // Done when the group has committed every raw offset: outputs commit in the same transactions.
            String rawTopic = env.get(StreamsAppConfig.TOPIC_TRADES_RAW);
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
                    .until(() -> fullyCommitted(admin, name, rawTopic));
            // The killed instance's open transaction holds the last stable offset back until the broker
            // aborts it (transaction.timeout.ms): only then does read_committed see everything after it.
            for (String topic : List.of(env.get(StreamsAppConfig.TOPIC_TRADES), env.get(StreamsAppConfig.TOPIC_REJECTS))) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> noOpenTransactions(admin, topic));
            }

            List<ConsumerRecord<String, byte[]>> clean = readAllCommitted(kafka, env.get(StreamsAppConfig.TOPIC_TRADES));
            Map<String, Long> perIdentity = new HashMap<>();
            JsonSerde<Trade> serde = JsonSerde.of(Trade.class);
            for (ConsumerRecord<String, byte[]> r : clean) {
                Trade t = serde.deserialize(r.topic(), r.value());
                assertThat(r.key()).isEqualTo(t.symbol());
                perIdentity.merge(t.id().key(), 1L, Long::sum);
                Trade prev = expectedLatest.get(t.symbol());
                if (prev == null || t.tradeTs().isAfter(prev.tradeTs())) {
                    expectedLatest.put(t.symbol(), t);
                }
            }
            assertThat(perIdentity).hasSize(SYMBOLS * TRADES_PER_SYMBOL);
            assertThat(perIdentity.values()).as("every trade exactly once").allMatch(n -> n == 1L);
            assertThat(expectedLatest.values()).allMatch(t -> t.tradeId() == TRADES_PER_SYMBOL);

            List<ConsumerRecord<String, byte[]>> rejects = readAllCommitted(kafka, env.get(StreamsAppConfig.TOPIC_REJECTS));
            JsonSerde<Reject> rejectSerde = JsonSerde.of(Reject.class);
            assertThat(rejects).hasSize(GARBAGE);
            assertThat(rejects.stream().map(r -> rejectSerde.deserialize(r.topic(), r.value()).sourceOffset() + "@"
                    + rejectSerde.deserialize(r.topic(), r.value()).sourcePartition()).distinct().count()).isEqualTo(GARBAGE);

            HttpClient http = HttpClient.newHttpClient();
            int forwarded = 0;
            for (StreamsApp app : List.of(survivor, joiner)) {
                for (int s = 0; s < SYMBOLS; s++) {
                    String symbol = symbol(s);
                    URI uri = URI.create("http://127.0.0.1:" + app.queryPort() + "/trades/" + symbol + "/latest");
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
                        HttpResponse<String> resp = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
                        if (resp.statusCode() == 503) {
                            assertThat(resp.headers().firstValue("Retry-After")).isPresent();
                            return false;
                        }
                        assertThat(resp.statusCode()).as(uri + " -> " + resp.body()).isEqualTo(200);
                        JsonNode body = Json.MAPPER.readTree(resp.body());
                        assertThat(body.get("symbol").asText()).isEqualTo(symbol);
                        assertThat(body.get("trade_id").asLong()).isEqualTo(TRADES_PER_SYMBOL);
                        assertThat(body.get("status").asText()).isEqualTo("ok");
                        return true;
                    });
                    HttpResponse<String> again = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (again.headers().firstValue("X-Stockpipe-Served-By").isPresent()) {
                        forwarded++;
                    }
                }
                URI range = URI.create("http://127.0.0.1:" + app.queryPort() + "/bars/" + symbol(0)
                        + "/range?start=" + T0 + "&end=" + T0.plus(Duration.ofMinutes(3)));
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
                    HttpResponse<String> resp = http.send(HttpRequest.newBuilder(range).GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (resp.statusCode() == 503) {
                        return false;
                    }
                    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
                    JsonNode bars = Json.MAPPER.readTree(resp.body());
                    assertThat(bars).hasSize(3);
                    assertThat(bars.get(0).get("bar_ts").asText()).isEqualTo(T0.toString());
                    assertThat(bars.get(2).get("source").asText()).isEqualTo("updated");
                    return true;
                });
                HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.queryPort()
                        + "/bars/" + symbol(0) + "/range?timeframe=5Min")).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(bad.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + app.queryPort() + "/health")).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                HttpResponse<String> counters = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + app.queryPort() + "/counters")).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(counters.statusCode()).isEqualTo(200);
                assertThat(Json.MAPPER.readTree(counters.body()).has("duplicates")).isTrue();
                HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + app.queryPort() + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.body()).contains("stockpipe_streams_records_in_total").contains("kafka_stream");
            }
            assertThat(forwarded).as("some symbols are owned by the other instance and forwarded").isPositive();
        } finally {
            killDone.countDown();
            killed.destroyForcibly();
            if (joiner != null) {
                joiner.close();
            }
            if (survivor != null) {
                survivor.close();
            }
        }
    }

    static String symbol(int s) {
        return "SYM" + (char) ('A' + s);
    }

    private static StreamsAppConfig config(Map<String, String> env, Path stateDir) {
        Map<String, String> e = new HashMap<>(env);
        e.put(StreamsAppConfig.STATE_DIR, stateDir.toString());
        return StreamsAppConfig.fromEnv(e);
    }

    /** StreamsAppMain in its own JVM, as ./stockpipe starts it: target/classes + target/classpath.txt. */
    private static Process startInOwnJvm(Map<String, String> env, Path stateDir) throws Exception {
        Path classpathFile = Path.of("target", "classpath.txt");
        String cp = Files.exists(classpathFile)
                ? Path.of("target", "classes").toAbsolutePath() + File.pathSeparator + Files.readString(classpathFile).trim()
                : System.getProperty("java.class.path");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-cp", cp, StreamsAppMain.class.getName());
        pb.environment().putAll(env);
        pb.environment().put(StreamsAppConfig.STATE_DIR, stateDir.toString());
        Path log = Path.of("target", "it-logs");
        Files.createDirectories(log);
        pb.redirectErrorStream(true).redirectOutput(log.resolve("killed-instance.log").toFile());
        return pb.start();
    }

    /**
     * Unique trades with a duplicate for every 10th, plus garbage. After the first half it keeps sending
     * replays of earlier trades until the kill is done, so the killed instance is busy when it dies.
     */
    private static void produce(String bootstrap, String topic, CountDownLatch killDone) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            int garbageSent = 0;
            for (int i = 1; i <= TRADES_PER_SYMBOL; i++) {
                for (int s = 0; s < SYMBOLS; s++) {
                    send(producer, topic, symbol(s), trade(symbol(s), i));
                    if (i % 10 == 0) {
                        send(producer, topic, symbol(s), trade(symbol(s), i - 5)); // a replay of an earlier trade
                    }
                }
                if (i % (TRADES_PER_SYMBOL / GARBAGE) == 0 && garbageSent < GARBAGE) {
                    send(producer, topic, symbol(garbageSent % SYMBOLS), new byte[] {(byte) 0xff, 'n', 'o', (byte) garbageSent});
                    garbageSent++;
                }
                if (i == TRADES_PER_SYMBOL / 2) {
                    producer.flush();
                    int replay = 1;
                    while (!killDone.await(20, TimeUnit.MILLISECONDS)) {
                        for (int s = 0; s < SYMBOLS; s++) {
                            send(producer, topic, symbol(s), trade(symbol(s), replay));
                        }
                        replay = replay % i + 1;
                    }
                }
            }
            producer.flush();
        }
    }

    /** Four minute bars of the first symbol: minutes 0..3 with minute 2 updated; the range asks for 0..2. */
    private static void produceBars(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (int m = 0; m < 4; m++) {
                send(producer, topic, symbol(0), bar("b", m, 100));
            }
            send(producer, topic, symbol(0), bar("u", 2, 150));
            producer.flush();
        }
    }

    private static byte[] bar(String type, int minute, long volume) {
        return ("{\"T\":\"" + type + "\",\"S\":\"" + symbol(0) + "\",\"o\":10,\"h\":12,\"l\":9,\"c\":11,\"v\":" + volume
                + ",\"n\":5,\"vw\":10.5,\"t\":\"" + T0.plus(Duration.ofMinutes(minute)) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] trade(String symbol, int i) {
        Instant t = T0.plusMillis(i * 10L);
        return ("{\"T\":\"t\",\"S\":\"" + symbol + "\",\"i\":" + i + ",\"x\":\"V\",\"p\":" + (100 + i % 50) + ".25,\"s\":" + (i % 7 + 1)
                + ",\"c\":[\"@\"],\"z\":\"C\",\"t\":\"" + t + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, key, value);
        Instant now = Instant.now();
        r.headers().add(RecordHeaders.RECEIVED_AT,
                Long.toString(now.getEpochSecond() * 1_000_000_000L + now.getNano()).getBytes(StandardCharsets.UTF_8));
        r.headers().add(RecordHeaders.FEED, "iex".getBytes(StandardCharsets.UTF_8));
        producer.send(r);
    }

    private static boolean fullyCommitted(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        for (var e : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            if (c == null || c.offset() < e.getValue().offset()) {
                return false;
            }
        }
        return true;
    }

    /** True when the last stable offset of every partition has caught up with its end. */
    private static boolean noOpenTransactions(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(10, TimeUnit.SECONDS);
        var end = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get(10, TimeUnit.SECONDS);
        return stable.keySet().stream().allMatch(tp -> stable.get(tp).offset() == end.get(tp).offset());
    }

    private static KafkaConsumer<String, byte[]> committedConsumer(EmbeddedKafka kafka) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static long countCommitted(EmbeddedKafka kafka, String topic) {
        return readAllCommitted(kafka, topic).size();
    }

    /** Everything committed on the topic: read from the beginning up to the last stable offset. */
    private static List<ConsumerRecord<String, byte[]>> readAllCommitted(EmbeddedKafka kafka, String topic) {
        try (KafkaConsumer<String, byte[]> c = committedConsumer(kafka)) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(pi -> new TopicPartition(topic, pi.partition())).collect(Collectors.toList());
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end " + end);
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }
}

package dev.stockpipe.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.MarketTime;
import dev.stockpipe.model.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a freshly started bridge resumes: the last trade and minute-bar time per symbol that a previous process
 * got into the raw topics, read from each partition's tail. Kafka is the truth here: what a killed process still
 * had buffered never reached the broker, so it is not in the tail and the backfill covers it.
 * Records this process produced itself ({@code received-at} at or after its start) are ignored.
 */
final class StartupResume {
    private static final Logger log = LoggerFactory.getLogger(StartupResume.class);
    /** Records read per step backwards through a partition. */
    static final int WINDOW = 2000;

    /** The newest {@code t} of a symbol in a topic and when (epoch nanos, our clock) that record was received. */
    record Point(Instant t, long receivedAtNanos) {}

    /** Per-symbol resume points of the trades and the bars topic; both empty on a first start. */
    record Result(Map<String, Point> trades, Map<String, Point> bars, long recordsRead) {
        boolean empty() {
            return trades.isEmpty() && bars.isEmpty();
        }
    }

    private StartupResume() {}

    static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Reading must never create a topic (the bridge's producer does not either).
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "ingest-bridge-startup-resume");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(WINDOW));
        return new KafkaConsumer<>(p);
    }

    /**
     * Reads both topics' tails. Scans each partition backwards until every subscribed symbol hashed to it was
     * found, its start was reached, or records older than {@code max} before {@code startedAtNanos} were reached.
     */
    static Result read(Consumer<String, byte[]> consumer, String tradesTopic, String barsTopic, List<String> symbols,
                       long startedAtNanos, Duration max, Duration timeout) {
        long[] read = {0};
        Map<String, Point> trades = readTopic(consumer, tradesTopic, symbols, startedAtNanos, max, timeout, false, read);
        Map<String, Point> bars = readTopic(consumer, barsTopic, symbols, startedAtNanos, max, timeout, true, read);
        return new Result(trades, bars, read[0]);
    }

    private static Map<String, Point> readTopic(Consumer<String, byte[]> consumer, String topic, List<String> symbols,
                                                long startedAtNanos, Duration max, Duration timeout, boolean bars, long[] read) {
        Map<String, Point> out = new HashMap<>();
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            log.info("startup resume: topic {} does not exist (yet): nothing to resume", topic);
            return out;
        }
        int n = infos.size();
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo pi : infos) {
            parts.add(new TopicPartition(topic, pi.partition()));
        }
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts, timeout);
        Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
        long oldestWanted = startedAtNanos - max.toNanos();
        for (TopicPartition tp : parts) {
            // The producer's default partitioner: a key always lands on the same partition.
            Set<String> wanted = new HashSet<>();
            for (String s : symbols) {
                if (BuiltInPartitioner.partitionForKey(s.getBytes(StandardCharsets.UTF_8), n) == tp.partition()) {
                    wanted.add(s);
                }
            }
            long lowest = begin.getOrDefault(tp, 0L);
            long hi = end.getOrDefault(tp, 0L);
            if (wanted.isEmpty() || hi <= lowest) {
                continue;
            }
            consumer.assign(List.of(tp));
            Set<String> found = new HashSet<>();
            while (hi > lowest) {
                long lo = Math.max(lowest, hi - WINDOW);
                consumer.seek(tp, lo);
                long oldestInWindow = Long.MAX_VALUE;
                long deadline = System.nanoTime() + timeout.toNanos();
                while (consumer.position(tp, timeout) < hi) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("reading " + tp + " [" + lo + ", " + hi + ") timed out");
                    }
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        if (r.offset() >= hi) {
                            continue;
                        }
                        read[0]++;
                        long receivedAt = receivedAt(r);
                        if (receivedAt >= startedAtNanos) {
                            continue; // produced by this process
                        }
                        oldestInWindow = Math.min(oldestInWindow, receivedAt);
                        if (r.key() == null || !wanted.contains(r.key())) {
                            continue;
                        }
                        Instant t = timeOf(r.value(), bars);
                        if (t == null) {
                            continue;
                        }
                        found.add(r.key());
                        out.merge(r.key(), new Point(t, receivedAt), (a, b) -> new Point(
                                a.t().isAfter(b.t()) ? a.t() : b.t(), Math.max(a.receivedAtNanos(), b.receivedAtNanos())));
                    }
                }
                if (found.containsAll(wanted) || oldestInWindow < oldestWanted) {
                    break;
                }
                hi = lo;
            }
        }
        consumer.unsubscribe();
        return out;
    }

    private static long receivedAt(ConsumerRecord<?, ?> r) {
        Header h = r.headers().lastHeader(RecordHeaders.RECEIVED_AT);
        if (h == null) {
            return 0; // not ours or unknown: as old as can be
        }
        try {
            return Long.parseLong(new String(h.value(), StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The {@code t} of a trade-topic record, or of a minute bar ({@code b}/{@code u}, not daily) of the bars topic. */
    private static Instant timeOf(byte[] value, boolean bars) {
        try {
            JsonNode n = Json.MAPPER.readTree(value);
            if (n == null || !n.isObject()) {
                return null;
            }
            String type = n.path("T").asText("");
            boolean ok = bars ? type.equals("b") || type.equals("u") : type.equals("t") || type.equals("c") || type.equals("x");
            JsonNode t = n.get("t");
            if (!ok || t == null || !t.isTextual()) {
                return null;
            }
            return MarketTime.parseInstant(t.textValue());
        } catch (java.io.IOException | RuntimeException e) {
            return null; // bad input stays in the raw topic for streams-app; it says nothing about resuming
        }
    }
}

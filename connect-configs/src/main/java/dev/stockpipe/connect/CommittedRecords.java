package dev.stockpipe.connect;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts the data records a sink will actually see in an offset range. Offsets are not records on a topic
 * written by a transactional (exactly-once) producer such as streams-app: every transaction leaves a commit
 * marker that takes an offset, and an aborted transaction's records are skipped by read_committed readers. A
 * sink commits "last record + 1", never past a trailing marker, so "committed == end offset" never holds
 * there; reading the range with a read_committed consumer is the exact test.
 */
final class CommittedRecords implements AutoCloseable {
    /** Above this many offsets a range is not read: its size is reported as the offset difference (an upper bound). */
    static final long MAX_SCAN = 2_000_000;
    /** How long one range may take to read before the answer falls back to the offset difference. */
    static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private final KafkaConsumer<byte[], byte[]> consumer;

    CommittedRecords(String bootstrapServers) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000,
                ConsumerConfig.CLIENT_ID_CONFIG, "stockpipe-replay-counter"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * The committed data records with {@code from <= offset < end}; {@code end - from} when the range is larger
     * than {@link #MAX_SCAN} or cannot be read within {@link #MAX_WAIT} (never less than the truth, so a
     * caller waiting for 0 never stops early).
     */
    long count(TopicPartition tp, long from, long end) {
        if (from < 0 || end <= from) {
            return 0;
        }
        if (end - from > MAX_SCAN) {
            return end - from;
        }
        consumer.assign(List.of(tp));
        consumer.seek(tp, from);
        long n = 0;
        Instant deadline = Instant.now().plus(MAX_WAIT);
        while (Instant.now().isBefore(deadline)) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200)).records(tp)) {
                if (r.offset() >= end) {
                    return n;
                }
                n++;
            }
            // The position moves past markers and aborted batches without returning records.
            if (consumer.position(tp) >= end) {
                return n;
            }
        }
        return end - from;
    }

    @Override
    public void close() {
        consumer.close();
    }
}

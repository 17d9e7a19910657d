package dev.stockpipe.ingest.publish;

import dev.stockpipe.ingest.IngestMetrics;
import dev.stockpipe.ingest.alpaca.StopSignal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow B: raw records to Kafka with an idempotent, acks=all producer (per-symbol order kept: key = symbol, at most
 * 5 in flight with idempotence). The producer's buffer is the bounded buffer: when it is full, or the broker is
 * unknown, {@link #send} waits (up to {@code max.block.ms} at a time, again and again) — that is the backpressure
 * on the stream reader. Nothing is dropped at send time; a record whose delivery times out is counted, logged and
 * reported to {@code onLost} so the gap backfill can repair it.
 */
public final class KafkaPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaPublisher.class);
    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    /** A record that could not be delivered. */
    public record Lost(String topic, String key, byte[] value, Exception error) {}

    private final Producer<String, byte[]> producer;
    private final IngestMetrics metrics;
    private final StopSignal stop;
    private volatile Consumer<Lost> onLost = l -> {};
    private volatile boolean waiting;
    private final AtomicLong lastLossLog = new AtomicLong();
    private long lastWaitLog;

    public KafkaPublisher(Producer<String, byte[]> producer, IngestMetrics metrics, StopSignal stop) {
        this.producer = producer;
        this.metrics = metrics;
        this.stop = stop;
    }

    /** Producer settings: idempotent, acks=all, lz4, batches lingering 5 ms. */
    public static Properties producerConfig(String bootstrap, long bufferBytes, int batchBytes, Duration deliveryTimeout) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ingest-bridge");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, batchBytes);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, bufferBytes);
        // Short blocking slices so the reader re-checks shutdown; send() loops on them (see class doc).
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, deliveryTimeout.toMillis()));
        p.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, 100);
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2000);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    public static KafkaPublisher create(String bootstrap, long bufferBytes, int batchBytes, Duration deliveryTimeout,
                                        IngestMetrics metrics, StopSignal stop) {
        return new KafkaPublisher(new KafkaProducer<>(producerConfig(bootstrap, bufferBytes, batchBytes, deliveryTimeout)), metrics, stop);
    }

    public void onLost(Consumer<Lost> listener) {
        this.onLost = listener;
    }

    /** True while a caller waits for buffer space or metadata. */
    public boolean waiting() {
        return waiting;
    }

    /** Headers of DESIGN.md as UTF-8 strings; {@code source} only for backfill. */
    public static RecordHeaders headers(long receivedAtNanos, String feed, String session, String source) {
        RecordHeaders h = new RecordHeaders();
        h.add(dev.stockpipe.model.RecordHeaders.RECEIVED_AT, Long.toString(receivedAtNanos).getBytes(StandardCharsets.UTF_8));
        h.add(dev.stockpipe.model.RecordHeaders.FEED, feed.getBytes(StandardCharsets.UTF_8));
        h.add(dev.stockpipe.model.RecordHeaders.SESSION, session.getBytes(StandardCharsets.UTF_8));
        if (source != null) {
            h.add(dev.stockpipe.model.RecordHeaders.SOURCE, source.getBytes(StandardCharsets.UTF_8));
        }
        return h;
    }

    /**
     * Hands one record to the producer, waiting while the buffer is full or the broker unreachable. Returns false
     * only when shutdown came first (the record is then counted as dropped and logged).
     */
    public boolean send(String topic, String key, byte[] value, RecordHeaders headers) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, null, key, value, headers);
        while (true) {
            SendCallback cb = new SendCallback(topic, key, value);
            try {
                producer.send(record, cb);
            } catch (RuntimeException e) {
                cb.sending = false;
                waiting = false;
                lost(new Lost(topic, key, value, e));
                return false;
            }
            cb.sending = false;
            Exception sync = cb.syncFailure;
            if (sync == null) {
                waiting = false;
                metrics.kafkaSent(topic).increment();
                return true;
            }
            if (!(sync instanceof TimeoutException)) {
                waiting = false;
                lost(new Lost(topic, key, value, sync));
                return false;
            }
            // Buffer full (BufferExhaustedException) or no metadata within max.block.ms: the backpressure case.
            waiting = true;
            metrics.kafkaBackpressure.increment();
            long now = System.nanoTime();
            if (now - lastWaitLog > LOG_EVERY_NANOS) {
                lastWaitLog = now;
                log.warn("Kafka not taking records ({}): holding the stream reader until it does", sync.getMessage());
            }
            if (stop.stopped()) {
                waiting = false;
                metrics.kafkaDropped.increment();
                log.error("shutdown while Kafka was unavailable: dropped a record for {} key {}", topic, key);
                return false;
            }
        }
    }

    /**
     * The producer reports a record it could not even buffer (no metadata in time, buffer exhausted) by calling
     * the callback from inside {@code send()} on the caller's thread: that is told apart from a delivery failure.
     */
    private final class SendCallback implements Callback {
        private final Thread caller = Thread.currentThread();
        private final String topic;
        private final String key;
        private final byte[] value;
        volatile boolean sending = true;
        volatile Exception syncFailure;

        SendCallback(String topic, String key, byte[] value) {
            this.topic = topic;
            this.key = key;
            this.value = value;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception == null) {
                return;
            }
            if (sending && Thread.currentThread() == caller) {
                syncFailure = exception;
                return;
            }
            lost(new Lost(topic, key, value, exception));
        }
    }

    private void lost(Lost l) {
        metrics.kafkaErrors.increment();
        metrics.kafkaDropped.increment();
        long now = System.nanoTime();
        long last = lastLossLog.get();
        if (now - last > LOG_EVERY_NANOS && lastLossLog.compareAndSet(last, now)) {
            log.error("Kafka delivery failed for {} key {} ({}); the gap backfill will re-fetch it (further losses counted in "
                    + "ingest_kafka_dropped_total)", l.topic(), l.key(), l.error().toString());
        }
        try {
            onLost.accept(l);
        } catch (RuntimeException e) {
            log.warn("loss listener failed: {}", e.toString());
        }
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        // close() flushes what is buffered, but gives up after the timeout when the broker is gone.
        producer.close(Duration.ofSeconds(20));
    }

    Map<?, ?> metricsForTests() {
        return producer.metrics();
    }
}

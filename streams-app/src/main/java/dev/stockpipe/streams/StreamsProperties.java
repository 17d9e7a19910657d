package dev.stockpipe.streams;

import dev.stockpipe.streams.errors.RejectingExceptionHandler;
import dev.stockpipe.streams.errors.SkippingProductionExceptionHandler;
import dev.stockpipe.streams.metrics.PipelineCounters;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams properties of an instance, from its configuration (pure; no I/O). */
public final class StreamsProperties {
    private StreamsProperties() {}

    /**
     * @param applicationServer this instance's {@code host:port} for interactive queries
     */
    public static Properties of(StreamsAppConfig cfg, String applicationServer, PipelineCounters counters) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, cfg.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, cfg.stateDir());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, cfg.numStreamThreads());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, cfg.standbyReplicas());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, cfg.replicationFactor());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, cfg.commitIntervalMs());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        p.putAll(handlers(cfg.topology(), counters));
        // A restarted app with no committed offsets starts from the beginning: raw topics are the source of truth.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), cfg.sessionTimeoutMs());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), Math.max(500, cfg.sessionTimeoutMs() / 5));
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        return p;
    }

    /** The exception handlers (also used by TopologyTestDriver tests). */
    public static Properties handlers(TopologyConfig topology, PipelineCounters counters) {
        Properties p = new Properties();
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, RejectingExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, RejectingExceptionHandler.class);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, SkippingProductionExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.put(RejectingExceptionHandler.REJECTS_TOPIC_CONFIG, topology.rejectsTopic());
        p.put(RejectingExceptionHandler.COUNTERS_CONFIG, counters);
        return p;
    }
}

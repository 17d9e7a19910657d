package dev.stockpipe.streams;

import dev.stockpipe.streams.metrics.PipelineCounters;
import dev.stockpipe.streams.query.QueryServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance: metrics registry, query server, the topology in a {@link KafkaStreams}. Used by
 * {@link StreamsAppMain} and by the integration test (two instances in one JVM). Closing stops them in
 * reverse order of start.
 */
public final class StreamsApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsApp.class);

    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(15);
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final PrometheusMeterRegistry registry;
    private final PipelineCounters counters;
    private final QueryServer queryServer;
    private final KafkaStreams streams;
    private final String applicationServer;

    private StreamsApp(StreamsAppConfig cfg) throws IOException {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        closeables.push(registry::close);
        counters = new PipelineCounters(registry);
        TopologyConfig t = cfg.topology();
        counters.registerTopics(java.util.List.of(t.tradesRawTopic(), t.barsRawTopic()),
                java.util.List.of(t.tradesTopic(), t.barsTopic(), t.rejectsTopic()));
        queryServer = new QueryServer(cfg.bindHost(), cfg.queryPort(), counters, registry);
        closeables.push(queryServer);
        applicationServer = cfg.applicationServer(queryServer.port());

        Topology topology = TradeTopology.build(cfg, counters);
        LOG.info("topology:\n{}", topology.describe());
        streams = new KafkaStreams(topology, StreamsProperties.of(cfg, applicationServer, counters));
        // Under the 20 s that `up`'s supervisor (and a container's stop) waits before SIGKILL: a thread stuck
        // in initTransactions after a crash must not turn a clean exit into a kill.
        closeables.push(() -> {
            if (!streams.close(CLOSE_TIMEOUT)) {
                LOG.warn("Kafka Streams did not close within {} s; exiting anyway (EOS: open transactions abort)", CLOSE_TIMEOUT.toSeconds());
            }
        });
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        closeables.push(streamsMetrics);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        closeables.push(gc);

        streams.setStateListener((now, before) -> LOG.info("state {} -> {}", before, now));
        // A thread that dies on an unexpected error is replaced: bad input never gets here (it is data),
        // so this covers broker trouble; exactly-once makes the retry safe.
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        queryServer.attach(streams, HostInfo.buildFromEndpoint(applicationServer));
    }

    /** Builds and starts an instance. */
    public static StreamsApp start(StreamsAppConfig cfg) throws IOException {
        StreamsApp app = new StreamsApp(cfg);
        try {
            app.streams.start();
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        LOG.info("streams-app started: {} (application.server {})", cfg.describe(), app.applicationServer);
        return app;
    }

    public KafkaStreams streams() {
        return streams;
    }

    public PipelineCounters counters() {
        return counters;
    }

    /** The port of the query server (the real one when 0 was configured). */
    public int queryPort() {
        return queryServer.port();
    }

    public String applicationServer() {
        return applicationServer;
    }

    @Override
    public void close() {
        while (!closeables.isEmpty()) {
            AutoCloseable c = closeables.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("error while closing {}", c, e);
            }
        }
        LOG.info("streams-app closed");
    }
}

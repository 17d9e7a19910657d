package dev.stockpipe.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stockpipe.ingest.alpaca.EpochNanos;
import dev.stockpipe.ingest.alpaca.HistoricalClient;
import dev.stockpipe.ingest.alpaca.ReconnectPolicy;
import dev.stockpipe.ingest.alpaca.StopSignal;
import dev.stockpipe.ingest.alpaca.StreamClient;
import dev.stockpipe.ingest.http.HealthServer;
import dev.stockpipe.ingest.publish.KafkaPublisher;
import dev.stockpipe.ingest.publish.RedisPublisher;
import dev.stockpipe.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running bridge: builds every component from the config and closes them in reverse order. */
public final class IngestBridge implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestBridge.class);

    private final IngestConfig cfg;
    private final StopSignal stop = new StopSignal();
    private final IngestMetrics metrics = new IngestMetrics();
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final KafkaPublisher kafka;
    private final RedisPublisher redis;
    private final GapBackfill backfill;
    private final IngestPipeline pipeline;
    private final StreamClient client;
    private final HealthServer http;
    private final Thread repairer;
    private final Thread resumer;
    private final long startedAtNanos = EpochNanos.now();

    private IngestBridge(IngestConfig cfg) {
        this.cfg = cfg;
        try {
            http = new HealthServer(cfg.bindHost(), cfg.httpPort(), this::health, metrics::scrape);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + cfg.bindHost() + ":" + cfg.httpPort(), e);
        }
        closeables.push(http);
        kafka = KafkaPublisher.create(cfg.kafkaBootstrapServers(), cfg.kafkaBufferBytes(), cfg.kafkaBatchBytes(),
                cfg.kafkaDeliveryTimeout(), metrics, stop);
        closeables.push(kafka);
        redis = new RedisPublisher(cfg.redisHost(), cfg.redisPort(), cfg.redisChannel(), cfg.redisMaxInFlight(), metrics, stop);
        closeables.push(redis);
        HistoricalClient rest = new HistoricalClient(cfg.restUrl(), cfg.apiKey(), cfg.apiSecret(), cfg.feed(),
                cfg.backfillPageLimit(), stop, metrics);
        backfill = new GapBackfill(rest, kafka, metrics, stop, cfg.tradesRawTopic(), cfg.barsRawTopic(), cfg.feed(),
                cfg.backfillBarsRecheck());
        closeables.push(backfill);
        pipeline = new IngestPipeline(cfg, kafka, redis, backfill, metrics, Clock.systemUTC());
        ReconnectPolicy policy = new ReconnectPolicy(cfg.reconnectBase(), cfg.reconnectMax(), cfg.limitWait(),
                Duration.ofSeconds(10), Clock.systemUTC(), () -> ThreadLocalRandom.current().nextDouble());
        client = new StreamClient(new StreamClient.Settings(cfg.streamUrl(), cfg.encoding(), cfg.apiKey(), cfg.apiSecret(),
                cfg.symbols(), cfg.pingInterval(), cfg.pongTimeout(), cfg.silenceTimeout(), cfg.handshakeTimeout()),
                pipeline, policy, stop, metrics);
        closeables.push(client);
        repairer = new Thread(() -> {
            while (stop.await(Duration.ofSeconds(5))) {
                pipeline.repairLosses();
            }
        }, "loss-repair");
        repairer.setDaemon(true);
        resumer = new Thread(this::resumeFromKafka, "startup-resume");
        resumer.setDaemon(true);
        metrics.registry().gauge("ingest.connected", client, c -> c.connected() ? 1 : 0);
        metrics.registry().gauge("ingest.authenticated", client, c -> c.authenticated() ? 1 : 0);
        metrics.registry().gauge("ingest.subscribed", client, c -> c.subscribed() ? 1 : 0);
        metrics.registry().gauge("ingest.last.message.age.seconds", client, c -> c.lastMessageAgeNanos() / 1e9);
        metrics.registry().gauge("ingest.redis.in.flight", redis, RedisPublisher::inFlight);
        metrics.registry().gauge("ingest.backfill.pending", backfill, GapBackfill::pending);
    }

    /** Starts a bridge; on failure, whatever was started is closed again. */
    public static IngestBridge start(IngestConfig cfg) {
        log.info("starting ingest-bridge: {}", cfg);
        IngestBridge b = new IngestBridge(cfg);
        b.redis.start();
        b.repairer.start();
        if (cfg.backfillEnabled() && !cfg.startupBackfillMax().isZero()) {
            b.resumer.start();
        }
        b.client.start();
        return b;
    }

    /**
     * Reads where a previous process stopped from the raw topics and hands it to the pipeline, which backfills it
     * after the first subscription. Retries with capped backoff while the broker is unreachable; stops on shutdown.
     */
    private void resumeFromKafka() {
        Duration wait = Duration.ofMillis(500);
        while (!stop.stopped()) {
            long began = System.nanoTime();
            try (var consumer = StartupResume.consumer(cfg.kafkaBootstrapServers())) {
                StartupResume.Result r = StartupResume.read(consumer, cfg.tradesRawTopic(), cfg.barsRawTopic(), cfg.symbols(),
                        startedAtNanos, cfg.startupBackfillMax(), Duration.ofSeconds(30));
                log.info("startup resume: read {} tail records in {} ms; last trade per symbol {}, last minute bar {}",
                        r.recordsRead(), (System.nanoTime() - began) / 1_000_000, times(r.trades()), times(r.bars()));
                pipeline.onStartupResume(r, startedAtNanos, cfg.startupBackfillMax());
                return;
            } catch (RuntimeException e) {
                if (stop.stopped()) {
                    return;
                }
                log.warn("startup resume: cannot read the raw topics' tails ({}); retrying in {} ms", e.toString(), wait.toMillis());
            }
            if (!stop.await(wait)) {
                return;
            }
            wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : wait.multipliedBy(2);
        }
    }

    private static Map<String, Instant> times(Map<String, StartupResume.Point> points) {
        Map<String, Instant> out = new TreeMap<>();
        points.forEach((s, p) -> out.put(s, p.t()));
        return out;
    }

    /** Where this process resumed from (read from Kafka at start-up); null until read. */
    StartupResume.Result startupResume() {
        return pipeline.startupResume();
    }

    public IngestMetrics metrics() {
        return metrics;
    }

    public StreamClient client() {
        return client;
    }

    public GapBackfill backfill() {
        return backfill;
    }

    public int httpPort() {
        return http.port();
    }

    public IngestConfig config() {
        return cfg;
    }

    HealthServer.Health health() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        boolean up = client.subscribed();
        n.put("status", up ? "UP" : "DOWN");
        n.put("state", client.state().name().toLowerCase());
        n.put("connected", client.connected());
        n.put("authenticated", client.authenticated());
        n.put("subscribed", client.subscribed());
        long age = client.lastMessageAgeNanos();
        if (age < 0) {
            n.putNull("last_message_age_ms");
        } else {
            n.put("last_message_age_ms", age / 1_000_000);
        }
        n.put("kafka_backpressure", kafka.waiting());
        n.put("redis_connected", redis.connected());
        n.put("backfill_pending", backfill.pending());
        return new HealthServer.Health(up, n.toString());
    }

    @Override
    public void close() {
        stop.stop();
        resumer.interrupt();
        while (!closeables.isEmpty()) {
            AutoCloseable c = closeables.pop();
            try {
                c.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
        log.info("ingest-bridge stopped");
    }
}

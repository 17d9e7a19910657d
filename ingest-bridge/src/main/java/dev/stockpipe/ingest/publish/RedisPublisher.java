package dev.stockpipe.ingest.publish;

import dev.stockpipe.ingest.IngestMetrics;
import dev.stockpipe.ingest.alpaca.StopSignal;
import dev.stockpipe.model.Channels;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow A: PUBLISH each live event on the channel and HSET the latest trade (and bar) per symbol, with lettuce's
 * async API on one connection. Never blocks the caller: commands of a frame are written with one flush; while Redis
 * is down (connection rejected) or too slow ({@code maxInFlight} unanswered commands), events are dropped and
 * counted — flow A is best-effort, flow B carries the durable copy.
 */
public final class RedisPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisPublisher.class);
    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    private final ClientResources resources;
    private final RedisClient client;
    private final IngestMetrics metrics;
    private final StopSignal stop;
    private final byte[] channel;
    private final byte[] tradesHash;
    private final byte[] barsHash;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong lastErrorLog = new AtomicLong();
    private final Thread connector;
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private volatile RedisAsyncCommands<byte[], byte[]> commands;

    public RedisPublisher(String host, int port, String channel, int maxInFlight, IngestMetrics metrics, StopSignal stop) {
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1).build();
        this.client = RedisClient.create(resources, RedisURI.builder().withHost(host).withPort(port)
                .withTimeout(Duration.ofSeconds(2)).build());
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // While disconnected, fail fast instead of queueing without bound: the drop is counted.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2)))
                .build());
        this.metrics = metrics;
        this.stop = stop;
        this.channel = channel.getBytes(StandardCharsets.UTF_8);
        this.tradesHash = Channels.latestTradesHashFor(channel).getBytes(StandardCharsets.UTF_8);
        this.barsHash = Channels.latestBarsHashFor(channel).getBytes(StandardCharsets.UTF_8);
        this.maxInFlight = maxInFlight;
        this.connector = new Thread(this::connectLoop, "redis-connect");
        connector.setDaemon(true);
    }

    /** Connects in the background (Redis may be down at startup); lettuce reconnects by itself afterwards. */
    public void start() {
        connector.start();
    }

    private void connectLoop() {
        long delayMs = 200;
        while (!stop.stopped()) {
            try {
                StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
                c.setAutoFlushCommands(false);
                connection = c;
                commands = c.async();
                log.info("connected to Redis {}", client.toString());
                return;
            } catch (RuntimeException e) {
                log.warn("Redis not reachable ({}); live events are dropped until it is; retrying in {} ms", e.getMessage(), delayMs);
                if (!stop.await(Duration.ofMillis((long) (delayMs * (0.5 + Math.random() * 0.5))))) {
                    return;
                }
                delayMs = Math.min(10_000, delayMs * 2);
            }
        }
    }

    public boolean connected() {
        StatefulRedisConnection<byte[], byte[]> c = connection;
        return c != null && c.isOpen();
    }

    /** Publishes a frame's live events; only the last trade/bar of each symbol in the frame goes to the hashes. */
    public void publish(List<LiveEvent> events, long receivedNanoTime) {
        RedisAsyncCommands<byte[], byte[]> cmd = commands;
        if (cmd == null || !connection.isOpen()) {
            metrics.redisDropped("disconnected").increment(events.size());
            return;
        }
        Map<String, byte[]> latestTrades = null;
        Map<String, byte[]> latestBars = null;
        RedisFuture<Long> last = null;
        for (LiveEvent e : events) {
            if (inFlight.get() >= maxInFlight) {
                metrics.redisDropped("backlog").increment();
                continue;
            }
            inFlight.incrementAndGet();
            RedisFuture<Long> f = cmd.publish(channel, e.json());
            f.whenComplete((r, ex) -> done(ex, true));
            last = f;
            if (e.trade()) {
                if (latestTrades == null) {
                    latestTrades = new LinkedHashMap<>();
                }
                latestTrades.put(e.symbol(), e.json());
            } else {
                if (latestBars == null) {
                    latestBars = new LinkedHashMap<>();
                }
                latestBars.put(e.symbol(), e.json());
            }
        }
        hset(cmd, tradesHash, latestTrades);
        hset(cmd, barsHash, latestBars);
        connection.flushCommands();
        if (last != null) {
            metrics.recordPublishLatency(System.nanoTime() - receivedNanoTime);
            last.whenComplete((r, ex) -> {
                if (ex == null) {
                    metrics.redisAckLatency.record(System.nanoTime() - receivedNanoTime, TimeUnit.NANOSECONDS);
                }
            });
        }
    }

    private void hset(RedisAsyncCommands<byte[], byte[]> cmd, byte[] hash, Map<String, byte[]> latest) {
        if (latest == null || latest.isEmpty()) {
            return;
        }
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        latest.forEach((s, v) -> fields.put(s.getBytes(StandardCharsets.UTF_8), v));
        inFlight.incrementAndGet();
        cmd.hset(hash, fields).whenComplete((r, ex) -> done(ex, false));
    }

    private void done(Throwable ex, boolean publish) {
        inFlight.decrementAndGet();
        if (ex == null) {
            if (publish) {
                metrics.redisPublished.increment();
            }
            return;
        }
        metrics.redisErrors.increment();
        if (publish) {
            metrics.redisDropped("error").increment();
        }
        long now = System.nanoTime();
        long prev = lastErrorLog.get();
        if (now - prev > LOG_EVERY_NANOS && lastErrorLog.compareAndSet(prev, now)) {
            log.warn("Redis command failed ({}); live events are dropped while this lasts (ingest_redis_dropped_total)", ex.toString());
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void close() {
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (c != null) {
            try {
                c.flushCommands();
                c.close();
            } catch (RuntimeException e) {
                log.debug("closing Redis connection: {}", e.toString());
            }
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}

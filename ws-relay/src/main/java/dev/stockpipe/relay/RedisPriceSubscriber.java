package dev.stockpipe.relay;

import dev.stockpipe.relay.core.FanOut;
import dev.stockpipe.relay.core.LiveEventParser;
import dev.stockpipe.relay.core.Outbound;
import dev.stockpipe.relay.core.RelayMetrics;
import dev.stockpipe.relay.core.SnapshotSource;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's one Redis subscription, and its snapshot reads. Messages arrive on lettuce's event loop, where
 * they are parsed once and handed to {@link FanOut#publish}, which only enqueues: nothing here blocks that
 * thread (lettuce pubsub.md). The first connection is retried with capped, jittered backoff until it works
 * or {@link #close} is called; after that lettuce reconnects and resubscribes by itself.
 */
public final class RedisPriceSubscriber implements SnapshotSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisPriceSubscriber.class);
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    private static final long BACKOFF_START_MS = 100;
    private static final long BACKOFF_CAP_MS = 10_000;

    private final RelayConfig config;
    private final FanOut fanOut;
    private final RelayMetrics metrics;
    private final ClientResources resources;
    private final RedisClient client;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicLong badMessages = new AtomicLong();
    private volatile StatefulRedisPubSubConnection<String, byte[]> pubSub;
    private volatile StatefulRedisConnection<String, byte[]> commands;
    private Thread connector;

    public RedisPriceSubscriber(RelayConfig config, FanOut fanOut, RelayMetrics metrics) {
        this.config = config;
        this.fanOut = fanOut;
        this.metrics = metrics;
        // one ClientResources (event loops, timers) for every connection of the process
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        this.client = RedisClient.create(resources, RedisURI.builder().withHost(config.redisHost())
                .withPort(config.redisPort()).withTimeout(Duration.ofSeconds(5)).build());
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
    }

    /** Connects in the background; returns at once. */
    public void start() {
        connector = new Thread(this::connectLoop, "relay-redis-connect");
        connector.setDaemon(true);
        connector.start();
    }

    /** Waits until subscribed (tests and startup logs); false on timeout. */
    public boolean awaitSubscribed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (isConnected()) {
                return true;
            }
            if (stop.await(20, TimeUnit.MILLISECONDS)) {
                return false;
            }
        }
        return isConnected();
    }

    private void connectLoop() {
        long backoff = BACKOFF_START_MS;
        int attempt = 0;
        while (stop.getCount() > 0) {
            attempt++;
            try {
                StatefulRedisPubSubConnection<String, byte[]> ps = client.connectPubSub(CODEC);
                ps.addListener(new Listener());
                ps.sync().subscribe(config.redisChannel());
                StatefulRedisConnection<String, byte[]> cmd = client.connect(CODEC);
                pubSub = ps;
                commands = cmd;
                LOG.info("subscribed to Redis channel {} at {}:{} (snapshots from hash {})", config.redisChannel(),
                        config.redisHost(), config.redisPort(), config.latestTradesHash());
                if (stop.getCount() == 0) {
                    closeConnections();
                }
                return;
            } catch (RuntimeException e) {
                long sleep = ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1);
                LOG.warn("Redis {}:{} not reachable (attempt {}): {}; retrying in {} ms", config.redisHost(),
                        config.redisPort(), attempt, e.getMessage(), sleep);
                backoff = Math.min(BACKOFF_CAP_MS, backoff * 2);
                try {
                    if (stop.await(sleep, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private final class Listener extends RedisPubSubAdapter<String, byte[]> {
        @Override
        public void message(String channel, byte[] message) {
            long now = System.nanoTime();
            Outbound event;
            try {
                event = LiveEventParser.parse(message, now);
            } catch (LiveEventParser.BadEventException e) {
                metrics.badRedisMessage();
                long n = badMessages.incrementAndGet();
                if (n <= 10 || n % 1000 == 0) {
                    LOG.warn("dropping bad message #{} on {}: {}: {}", n, channel, e.getMessage(),
                            preview(message));
                }
                return;
            }
            Instant wall = Instant.now();
            metrics.received(wall.getEpochSecond() * 1_000_000_000L + wall.getNano(), event.sourceEpochNanos());
            try {
                fanOut.publish(event);
            } catch (RuntimeException e) {
                LOG.error("fan-out of an event of {} failed", event.symbol(), e);
            }
        }
    }

    private static String preview(byte[] message) {
        String s = new String(message, 0, Math.min(message.length, 120), StandardCharsets.UTF_8);
        return message.length > 120 ? s + "…" : s;
    }

    @Override
    public CompletionStage<List<byte[]>> latestTrades(List<String> symbols) {
        StatefulRedisConnection<String, byte[]> c = commands;
        if (c == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("Redis not connected"));
        }
        return c.async().hmget(config.latestTradesHash(), symbols.toArray(String[]::new)).thenApply(kvs -> {
            List<byte[]> out = new ArrayList<>(kvs.size());
            for (KeyValue<String, byte[]> kv : kvs) {
                out.add(kv.hasValue() ? kv.getValue() : null);
            }
            return out;
        });
    }

    @Override
    public CompletionStage<Map<String, byte[]>> allLatestTrades() {
        StatefulRedisConnection<String, byte[]> c = commands;
        if (c == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("Redis not connected"));
        }
        return c.async().hgetall(config.latestTradesHash());
    }

    public boolean isConnected() {
        StatefulRedisPubSubConnection<String, byte[]> ps = pubSub;
        return ps != null && ps.isOpen();
    }

    /** PING over the command connection; completes with false on error or after the timeout. */
    public CompletionStage<Boolean> ping(Duration timeout) {
        StatefulRedisConnection<String, byte[]> c = commands;
        if (c == null || !isConnected()) {
            return CompletableFuture.completedFuture(false);
        }
        return c.async().ping().toCompletableFuture().thenApply("PONG"::equals)
                .completeOnTimeout(false, timeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> false);
    }

    private void closeConnections() {
        StatefulRedisPubSubConnection<String, byte[]> ps = pubSub;
        StatefulRedisConnection<String, byte[]> cmd = commands;
        if (ps != null) {
            ps.closeAsync();
        }
        if (cmd != null) {
            cmd.closeAsync();
        }
    }

    @Override
    public void close() {
        stop.countDown();
        if (connector != null) {
            connector.interrupt();
            try {
                connector.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeConnections();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}

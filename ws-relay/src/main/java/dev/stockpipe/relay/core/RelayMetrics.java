package dev.stockpipe.relay.core;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The relay's meters; names become Prometheus {@code relay_*} series at /metrics. */
public final class RelayMetrics {
    private final MeterRegistry registry;
    private final Counter eventsReceived;
    private final Counter badRedisMessages;
    private final Counter eventsSent;
    private final Counter controlSent;
    private final Counter conflated;
    private final Timer fanOutLatency;
    private final Timer bridgeLatency;
    private final ConcurrentMap<String, Counter> dropped = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> clientErrors = new ConcurrentHashMap<>();

    public RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
        eventsReceived = Counter.builder("relay.events.received").description("live events received from Redis")
                .register(registry);
        badRedisMessages = Counter.builder("relay.redis.bad.messages")
                .description("Redis messages that were not live events (dropped)").register(registry);
        eventsSent = Counter.builder("relay.events.sent").description("live events written to clients (per client)")
                .register(registry);
        controlSent = Counter.builder("relay.control.sent")
                .description("subscribed/error/snapshot frames written to clients").register(registry);
        conflated = Counter.builder("relay.events.conflated")
                .description("events a slow client did not get because a newer one of the same symbol replaced them")
                .register(registry);
        fanOutLatency = Timer.builder("relay.fanout.latency")
                .description("Redis receive to written to the client socket, per client and event")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(1_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        bridgeLatency = Timer.builder("relay.bridge.latency")
                .description("received_at at the bridge to Redis receive at the relay (wall clocks)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(1_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void clientsGauge(Supplier<Number> clients) {
        io.micrometer.core.instrument.Gauge.builder("relay.clients", clients).description("connected WebSocket clients")
                .register(registry);
    }

    public void received(long relayReceivedEpochNanos, long sourceEpochNanos) {
        eventsReceived.increment();
        if (sourceEpochNanos > 0) {
            long d = relayReceivedEpochNanos - sourceEpochNanos;
            if (d >= 0) {
                bridgeLatency.record(d, TimeUnit.NANOSECONDS);
            }
        }
    }

    public void badRedisMessage() {
        badRedisMessages.increment();
    }

    public void written(Outbound frame, long nowNanos) {
        if (frame.relayReceivedNanos() != 0L) {
            eventsSent.increment();
            fanOutLatency.record(nowNanos - frame.relayReceivedNanos(), TimeUnit.NANOSECONDS);
        } else {
            controlSent.increment();
        }
    }

    public void conflated() {
        conflated.increment();
    }

    public void clientDropped(String reason) {
        dropped.computeIfAbsent(reason, r -> Counter.builder("relay.clients.dropped")
                .description("clients the relay closed, by reason").tag("reason", r).register(registry)).increment();
    }

    public void clientError(String code) {
        clientErrors.computeIfAbsent(code, c -> Counter.builder("relay.client.errors")
                .description("error events sent for bad client input, by code").tag("code", c).register(registry))
                .increment();
    }

    public double eventsSentCount() {
        return eventsSent.count();
    }

    public double conflatedCount() {
        return conflated.count();
    }
}

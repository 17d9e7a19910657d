package dev.stockpipe.streams;

import dev.stockpipe.model.Topics;
import java.time.Duration;
import java.util.Objects;

/**
 * What the topology needs to know: topic names (defaults from {@link Topics}, configurable so tests
 * do not collide), the stream-time windows and the size limit. No I/O settings live here.
 *
 * @param dedupeWindow   a trade identity seen within this much stream time is a duplicate
 * @param pendingWindow  a correction/cancel waits this much stream time for its original
 * @param purgeInterval  stream-time period of the orphan sweep
 * @param barsRetention  how far back (event time of bar_ts) the bars store keeps bars
 * @param maxMessageBytes raw messages above this size are rejected as oversize
 */
public record TopologyConfig(String tradesRawTopic, String barsRawTopic, String tradesTopic, String barsTopic,
                             String rejectsTopic, Duration dedupeWindow, Duration pendingWindow,
                             Duration purgeInterval, Duration barsRetention, int maxMessageBytes) {
    public TopologyConfig {
        Objects.requireNonNull(tradesRawTopic, "tradesRawTopic");
        Objects.requireNonNull(barsRawTopic, "barsRawTopic");
        Objects.requireNonNull(tradesTopic, "tradesTopic");
        Objects.requireNonNull(barsTopic, "barsTopic");
        Objects.requireNonNull(rejectsTopic, "rejectsTopic");
        Objects.requireNonNull(dedupeWindow, "dedupeWindow");
        Objects.requireNonNull(pendingWindow, "pendingWindow");
        Objects.requireNonNull(purgeInterval, "purgeInterval");
        Objects.requireNonNull(barsRetention, "barsRetention");
    }

    /** The production defaults. */
    public static TopologyConfig defaults() {
        return new TopologyConfig(Topics.TRADES_RAW_NAME, Topics.BARS_RAW_NAME, Topics.TRADES_NAME, Topics.BARS_NAME,
                Topics.REJECTS_NAME, Duration.ofHours(24), Duration.ofHours(24), Duration.ofMinutes(1),
                Duration.ofDays(7), 64 * 1024);
    }

    /** The same settings reading and writing topics with the given prefix (tests). */
    public TopologyConfig withTopicPrefix(String prefix) {
        return new TopologyConfig(prefix + tradesRawTopic, prefix + barsRawTopic, prefix + tradesTopic, prefix + barsTopic,
                prefix + rejectsTopic, dedupeWindow, pendingWindow, purgeInterval, barsRetention, maxMessageBytes);
    }

    public TopologyConfig withWindows(Duration dedupe, Duration pending, Duration purge) {
        return new TopologyConfig(tradesRawTopic, barsRawTopic, tradesTopic, barsTopic, rejectsTopic,
                dedupe, pending, purge, barsRetention, maxMessageBytes);
    }
}

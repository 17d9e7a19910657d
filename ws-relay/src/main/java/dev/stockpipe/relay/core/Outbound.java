package dev.stockpipe.relay.core;

import java.nio.charset.StandardCharsets;

/**
 * One frame to send, encoded once and shared by every client that gets it.
 *
 * @param conflationKey events with the same key replace each other while a client conflates
 *                      ("trade:AAPL", "bar:AAPL"); null for control frames, which are never dropped
 * @param symbol the event's symbol, or null for control frames
 * @param trade whether this is a trade event (a live trade makes a pending snapshot stale)
 * @param json the UTF-8 JSON text sent as one WebSocket text frame
 * @param relayReceivedNanos {@link System#nanoTime()} when the relay got it from Redis; 0 for control frames
 *                           and snapshots (they are not counted in the fan-out latency)
 * @param sourceEpochNanos the event's {@code received_at} (epoch nanos at the bridge), 0 when absent
 */
public record Outbound(String conflationKey, String symbol, boolean trade, byte[] json, long relayReceivedNanos,
                       long sourceEpochNanos) {

    public static Outbound control(byte[] json) {
        return new Outbound(null, null, false, json, 0L, 0L);
    }

    /** The same event re-stamped as a snapshot (excluded from latency metrics). */
    public Outbound asSnapshot() {
        return new Outbound(conflationKey, symbol, trade, json, 0L, sourceEpochNanos);
    }

    public boolean isControl() {
        return conflationKey == null;
    }

    public String text() {
        return new String(json, StandardCharsets.UTF_8);
    }
}

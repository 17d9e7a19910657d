package dev.stockpipe.model;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every Kafka topic of stockpipe, paired with its serdes. Key = symbol (UTF-8) on every topic.
 * Raw topics carry bytes because their values may be anything the feed sent; streams-app decides.
 */
public final class Topics {
    private Topics() {}

    public static final String TRADES_RAW_NAME = "stocks.trades.raw";
    public static final String BARS_RAW_NAME = "stocks.bars.raw";
    public static final String TRADES_NAME = "stocks.trades";
    public static final String BARS_NAME = "stocks.bars";
    public static final String REJECTS_NAME = "stocks.rejects";
    public static final String SINK_DLQ_NAME = "stocks.sink.dlq";

    /** One Alpaca message object ({@code T} = t, c or x) exactly as received, as JSON. */
    public static final Topic<String, byte[]> TRADES_RAW = new Topic<>(TRADES_RAW_NAME, Serdes.String(), Serdes.ByteArray());
    /** One Alpaca message object ({@code T} = b, u or d) as received, as JSON. */
    public static final Topic<String, byte[]> BARS_RAW = new Topic<>(BARS_RAW_NAME, Serdes.String(), Serdes.ByteArray());
    public static final Topic<String, Trade> TRADES = new Topic<>(TRADES_NAME, Serdes.String(), JsonSerde.of(Trade.class));
    public static final Topic<String, Bar> BARS = new Topic<>(BARS_NAME, Serdes.String(), JsonSerde.of(Bar.class));
    public static final Topic<String, Reject> REJECTS = new Topic<>(REJECTS_NAME, Serdes.String(), JsonSerde.of(Reject.class));
    /** Written by Kafka Connect itself (its own DLQ format). */
    public static final Topic<byte[], byte[]> SINK_DLQ = new Topic<>(SINK_DLQ_NAME, Serdes.ByteArray(), Serdes.ByteArray());

    /** The topics the local stack creates, in DESIGN.md order. */
    public static final java.util.List<String> ALL = java.util.List.of(
            TRADES_RAW_NAME, BARS_RAW_NAME, TRADES_NAME, BARS_NAME, REJECTS_NAME, SINK_DLQ_NAME);

    /** A topic name with the serdes of its key and value. */
    public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
        public Topic {
            java.util.Objects.requireNonNull(name, "name");
            java.util.Objects.requireNonNull(keySerde, "keySerde");
            java.util.Objects.requireNonNull(valueSerde, "valueSerde");
        }
    }
}

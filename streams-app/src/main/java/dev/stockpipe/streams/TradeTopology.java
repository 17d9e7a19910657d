package dev.stockpipe.streams;

import dev.stockpipe.model.Bar;
import dev.stockpipe.model.JsonSerde;
import dev.stockpipe.model.Reject;
import dev.stockpipe.model.Stores;
import dev.stockpipe.model.Trade;
import dev.stockpipe.model.alpaca.AlpacaBar;
import dev.stockpipe.model.alpaca.AlpacaCancel;
import dev.stockpipe.model.alpaca.AlpacaCorrection;
import dev.stockpipe.model.alpaca.AlpacaParser;
import dev.stockpipe.model.alpaca.AlpacaTrade;
import dev.stockpipe.streams.bars.BarProcessor;
import dev.stockpipe.streams.corrections.PendingUpdates;
import dev.stockpipe.streams.corrections.TradeProcessor;
import dev.stockpipe.streams.metrics.PipelineCounters;
import dev.stockpipe.streams.validate.RawValidator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The streams-app topology, built by a pure function: no environment, no sockets.
 * <pre>
 *  stocks.trades.raw ─► trade-processor ─┬─► stocks.trades   (clean trades)
 *     (t, c, x)          │ trades-by-id    └─► stocks.rejects
 *                        │ pending-updates
 *                        │ latest-trade
 *  stocks.bars.raw  ─► bar-processor ───┬─► stocks.bars     (clean bars)
 *     (b, u, d)          │ bars          └─► stocks.rejects
 *                        │ latest-bar
 * </pre>
 * Both sub-topologies read symbol-keyed topics, so every store partition holds whole symbols and
 * interactive queries route by symbol.
 */
public final class TradeTopology {
    private TradeTopology() {}

    public static final String TRADES_SOURCE = "trades-raw-source";
    public static final String BARS_SOURCE = "bars-raw-source";
    public static final String TRADE_PROCESSOR = "trade-processor";
    public static final String BAR_PROCESSOR = "bar-processor";
    public static final String TRADES_SINK = "clean-trades-sink";
    public static final String BARS_SINK = "clean-bars-sink";
    public static final String TRADE_REJECTS_SINK = "trade-rejects-sink";
    public static final String BAR_REJECTS_SINK = "bar-rejects-sink";

    private static final Serde<Trade> TRADE_SERDE = JsonSerde.of(Trade.class);
    private static final Serde<Bar> BAR_SERDE = JsonSerde.of(Bar.class);
    private static final Serde<Reject> REJECT_SERDE = JsonSerde.of(Reject.class);
    private static final Serde<PendingUpdates> PENDING_SERDE = JsonSerde.of(PendingUpdates.class);

    /** The production topology: system clock, counters on the given registry. */
    public static Topology build(StreamsAppConfig cfg, PipelineCounters counters) {
        return build(cfg.topology(), Clock.systemUTC(), counters);
    }

    /** With throwaway counters (tests that only look at topics and stores). */
    public static Topology build(StreamsAppConfig cfg) {
        return build(cfg.topology(), Clock.systemUTC(), new PipelineCounters(new SimpleMeterRegistry()));
    }

    /**
     * @param clock the wall clock of the "not more than a day ahead" timestamp rule (tests pass a fixed one)
     */
    public static Topology build(TopologyConfig cfg, Clock clock, PipelineCounters counters) {
        AlpacaParser parser = new AlpacaParser(clock, cfg.maxMessageBytes(), AlpacaParser.DEFAULT_MAX_FRAME_BYTES);
        RawValidator tradeValidator = new RawValidator(parser, Set.of(AlpacaTrade.T, AlpacaCorrection.T, AlpacaCancel.T));
        RawValidator barValidator = new RawValidator(parser,
                Set.of(AlpacaBar.Kind.MINUTE.t(), AlpacaBar.Kind.UPDATED.t(), AlpacaBar.Kind.DAILY.t()));

        Topology t = new Topology();
        // Raw values stay bytes: the processors judge them, so a bad value can never fail deserialization.
        t.addSource(TRADES_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), cfg.tradesRawTopic());
        t.addProcessor(TRADE_PROCESSOR,
                () -> new TradeProcessor(cfg, tradeValidator, counters, TRADES_SINK, TRADE_REJECTS_SINK), TRADES_SOURCE);
        t.addStateStore(tradesById(cfg.dedupeWindow()), TRADE_PROCESSOR);
        t.addStateStore(pendingUpdates(cfg.pendingWindow(), cfg.purgeInterval()), TRADE_PROCESSOR);
        t.addStateStore(latest(Stores.LATEST_TRADE, TRADE_SERDE), TRADE_PROCESSOR);
        t.addSink(TRADES_SINK, cfg.tradesTopic(), Serdes.String().serializer(), TRADE_SERDE.serializer(), TRADE_PROCESSOR);
        t.addSink(TRADE_REJECTS_SINK, cfg.rejectsTopic(), Serdes.String().serializer(), REJECT_SERDE.serializer(), TRADE_PROCESSOR);

        t.addSource(BARS_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), cfg.barsRawTopic());
        t.addProcessor(BAR_PROCESSOR,
                () -> new BarProcessor(cfg, barValidator, counters, BARS_SINK, BAR_REJECTS_SINK), BARS_SOURCE);
        t.addStateStore(bars(cfg.barsRetention()), BAR_PROCESSOR);
        t.addStateStore(latest(Stores.LATEST_BAR, BAR_SERDE), BAR_PROCESSOR);
        t.addSink(BARS_SINK, cfg.barsTopic(), Serdes.String().serializer(), BAR_SERDE.serializer(), BAR_PROCESSOR);
        t.addSink(BAR_REJECTS_SINK, cfg.rejectsTopic(), Serdes.String().serializer(), REJECT_SERDE.serializer(), BAR_PROCESSOR);
        return t;
    }

    /** Identity -> current trade at the stream time of its last change; segments older than the window drop. */
    private static StoreBuilder<WindowStore<String, Trade>> tradesById(Duration window) {
        return org.apache.kafka.streams.state.Stores.windowStoreBuilder(windowStore(Stores.TRADES_BY_ID, window, window),
                Serdes.String(), TRADE_SERDE).withCachingEnabled();
    }

    /**
     * RocksDB, not the in-memory window store: the in-memory one buckets by timestamp, so a key lookup
     * over a 24 h range walks every bucket (measured: quadratic).
     */
    private static WindowBytesStoreSupplier windowStore(String name, Duration retention, Duration size) {
        return org.apache.kafka.streams.state.Stores.persistentWindowStore(name, retention, size, false);
    }

    /**
     * Original identity -> updates waiting for it, at the stream time the first one arrived. Retention is
     * twice the window plus a sweep period, so the sweep sees every entry before its segment drops.
     */
    private static StoreBuilder<WindowStore<String, PendingUpdates>> pendingUpdates(Duration window, Duration sweep) {
        Duration retention = window.multipliedBy(2).plus(sweep);
        return org.apache.kafka.streams.state.Stores.windowStoreBuilder(windowStore(Stores.PENDING_UPDATES, retention, window),
                Serdes.String(), PENDING_SERDE);
    }

    /** SYMBOL|timeframe at bar_ts -> bar, kept for the retention in event time. */
    private static StoreBuilder<WindowStore<String, Bar>> bars(Duration retention) {
        return org.apache.kafka.streams.state.Stores.windowStoreBuilder(windowStore(Stores.BARS, retention, Duration.ofMinutes(1)),
                Serdes.String(), BAR_SERDE);
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> latest(String name, Serde<V> serde) {
        return org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                        org.apache.kafka.streams.state.Stores.persistentKeyValueStore(name), Serdes.String(), serde)
                .withCachingEnabled();
    }
}

package dev.stockpipe.streams.bars;

import dev.stockpipe.model.Bar;
import dev.stockpipe.model.BarSource;
import dev.stockpipe.model.Reject;
import dev.stockpipe.model.Stores;
import dev.stockpipe.model.Timeframe;
import dev.stockpipe.model.alpaca.AlpacaBar;
import dev.stockpipe.streams.TopologyConfig;
import dev.stockpipe.streams.metrics.PipelineCounters;
import dev.stockpipe.streams.validate.RawHeaders;
import dev.stockpipe.streams.validate.RawValidator;
import dev.stockpipe.streams.validate.RejectLog;
import java.util.Objects;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Validates raw bars and decides, against the bar stored for the same (symbol, timeframe, bar_ts),
 * whether the new one replaces it:
 * <ul>
 *   <li>{@code u} (source updated) always replaces: it is the recomputed full bar;</li>
 *   <li>anything else ({@code b}, {@code d}, backfill) never replaces an updated bar, nor a bar with
 *       more volume (bars only grow as late trades arrive, so less volume means older data);</li>
 *   <li>a bar equal to the stored one is a duplicate and emits nothing.</li>
 * </ul>
 * The store {@link Stores#BARS} is a window store keyed {@code SYMBOL|timeframe} at {@code bar_ts},
 * which is also what the range queries read.
 */
public final class BarProcessor implements Processor<String, byte[], String, Object> {
    private final TopologyConfig cfg;
    private final RawValidator validator;
    private final PipelineCounters counters;
    private final String barsSink;
    private final String rejectsSink;
    private final RejectLog rejectLog = new RejectLog();

    private ProcessorContext<String, Object> ctx;
    private WindowStore<String, Bar> bars;
    private KeyValueStore<String, Bar> latest;

    public BarProcessor(TopologyConfig cfg, RawValidator validator, PipelineCounters counters, String barsSink, String rejectsSink) {
        this.cfg = cfg;
        this.validator = validator;
        this.counters = counters;
        this.barsSink = barsSink;
        this.rejectsSink = rejectsSink;
    }

    /** The {@link Stores#BARS} key of a symbol's bars of one timeframe. */
    public static String seriesKey(String symbol, Timeframe tf) {
        return symbol + '|' + tf.label();
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.ctx = context;
        this.bars = context.getStateStore(Stores.BARS);
        this.latest = context.getStateStore(Stores.LATEST_BAR);
    }

    @Override
    public void process(Record<String, byte[]> rec) {
        RecordMetadata md = ctx.recordMetadata().orElse(null);
        String topic = md != null ? md.topic() : cfg.barsRawTopic();
        int partition = md != null ? md.partition() : -1;
        long offset = md != null ? md.offset() : -1;
        counters.recordIn(topic);

        RawValidator.Outcome o = validator.validate(rec.key(), rec.value(), topic, partition, offset);
        if (o.rejected()) {
            Reject r = o.reject();
            counters.reject(r);
            rejectLog.log(rec.key(), r);
            ctx.forward(new Record<String, Object>(rec.key(), r, rec.timestamp()), rejectsSink);
            counters.recordOut(cfg.rejectsTopic());
            return;
        }
        AlpacaBar ab = (AlpacaBar) o.message();
        Timeframe tf = ab.kind() == AlpacaBar.Kind.DAILY ? Timeframe.DAY_1 : Timeframe.MIN_1;
        BarSource source = RawHeaders.isBackfill(rec.headers()) ? BarSource.BACKFILL
                : ab.kind() == AlpacaBar.Kind.UPDATED ? BarSource.UPDATED : BarSource.STREAM;
        Bar bar = new Bar(ab.symbol(), tf, ab.timestamp(), ab.open(), ab.high(), ab.low(), ab.close(), ab.volume(),
                ab.tradeCount(), ab.vwap(), source);
        String key = seriesKey(bar.symbol(), tf);
        long barTs = bar.barTs().toEpochMilli();
        Bar current = bars.fetch(key, barTs);
        if (current != null) {
            if (sameData(current, bar) && (bar.source() != BarSource.UPDATED || current.source() == BarSource.UPDATED)) {
                counters.duplicate(PipelineCounters.DUPLICATE_BAR);
                return;
            }
            if (bar.source() != BarSource.UPDATED
                    && (current.source() == BarSource.UPDATED || bar.volume() < current.volume())) {
                counters.staleBar();
                return;
            }
        }
        bars.put(key, bar, barTs);
        ctx.forward(new Record<String, Object>(bar.symbol(), bar, rec.timestamp()), barsSink);
        counters.recordOut(cfg.barsTopic());
        if (tf == Timeframe.MIN_1) {
            Bar last = latest.get(bar.symbol());
            if (last == null || !bar.barTs().isBefore(last.barTs())) {
                latest.put(bar.symbol(), bar);
            }
        }
    }

    /** Same prices, volume, count and VWAP (the source aside). */
    static boolean sameData(Bar a, Bar b) {
        return a.open().compareTo(b.open()) == 0 && a.high().compareTo(b.high()) == 0 && a.low().compareTo(b.low()) == 0
                && a.close().compareTo(b.close()) == 0 && a.volume() == b.volume()
                && Objects.equals(a.tradeCount(), b.tradeCount())
                && (a.vwap() == null ? b.vwap() == null : b.vwap() != null && a.vwap().compareTo(b.vwap()) == 0);
    }
}

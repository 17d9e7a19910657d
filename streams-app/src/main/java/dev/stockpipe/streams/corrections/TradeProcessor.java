package dev.stockpipe.streams.corrections;

import dev.stockpipe.model.MarketTime;
import dev.stockpipe.model.Reject;
import dev.stockpipe.model.RejectReason;
import dev.stockpipe.model.Stores;
import dev.stockpipe.model.Trade;
import dev.stockpipe.model.TradeId;
import dev.stockpipe.model.TradeStatus;
import dev.stockpipe.model.alpaca.AlpacaCancel;
import dev.stockpipe.model.alpaca.AlpacaCorrection;
import dev.stockpipe.model.alpaca.AlpacaMessage;
import dev.stockpipe.model.alpaca.AlpacaTrade;
import dev.stockpipe.streams.TopologyConfig;
import dev.stockpipe.streams.metrics.PipelineCounters;
import dev.stockpipe.streams.validate.RawHeaders;
import dev.stockpipe.streams.validate.RawValidator;
import dev.stockpipe.streams.validate.RejectLog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Validates raw trades, corrections and cancels, drops duplicates, applies corrections and cancels, and
 * emits the full current state of every trade that changed.
 *
 * <p>Time: "now" is the task's stream time (the max raw record timestamp, i.e. when the bridge produced
 * it). The trade store holds each identity at the stream time of its last change; an identity is a
 * duplicate while that is within the dedupe window. {@code updated_at} is the timestamp of the raw
 * record that caused the change, so replays and TopologyTestDriver runs are deterministic.
 *
 * <p>Assumption: the original of a {@code c}/{@code x} is looked up under the New York date of the
 * c/x message's own {@code t} (reference §10: its meaning is unconfirmed).
 */
public final class TradeProcessor implements Processor<String, byte[], String, Object> {
    private final TopologyConfig cfg;
    private final RawValidator validator;
    private final PipelineCounters counters;
    private final String tradesSink;
    private final String rejectsSink;
    private final RejectLog rejectLog = new RejectLog();

    private ProcessorContext<String, Object> ctx;
    private WindowStore<String, Trade> trades;
    private WindowStore<String, PendingUpdates> pending;
    private KeyValueStore<String, Trade> latest;
    private long dedupeMs;
    private long pendingMs;

    public TradeProcessor(TopologyConfig cfg, RawValidator validator, PipelineCounters counters,
                          String tradesSink, String rejectsSink) {
        this.cfg = cfg;
        this.validator = validator;
        this.counters = counters;
        this.tradesSink = tradesSink;
        this.rejectsSink = rejectsSink;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.ctx = context;
        this.trades = context.getStateStore(Stores.TRADES_BY_ID);
        this.pending = context.getStateStore(Stores.PENDING_UPDATES);
        this.latest = context.getStateStore(Stores.LATEST_TRADE);
        this.dedupeMs = cfg.dedupeWindow().toMillis();
        this.pendingMs = cfg.pendingWindow().toMillis();
        context.schedule(cfg.purgeInterval(), PunctuationType.STREAM_TIME, this::sweepOrphans);
    }

    @Override
    public void process(Record<String, byte[]> rec) {
        RecordMetadata md = ctx.recordMetadata().orElse(null);
        String topic = md != null ? md.topic() : cfg.tradesRawTopic();
        int partition = md != null ? md.partition() : -1;
        long offset = md != null ? md.offset() : -1;
        counters.recordIn(topic);

        RawValidator.Outcome o = validator.validate(rec.key(), rec.value(), topic, partition, offset);
        if (o.rejected()) {
            emitReject(rec.key(), o.reject(), rec.timestamp());
            return;
        }
        long now = Math.max(ctx.currentStreamTimeMs(), rec.timestamp());
        Instant at = Instant.ofEpochMilli(rec.timestamp());
        Instant receivedAt = RawHeaders.receivedAt(rec.headers());
        AlpacaMessage m = o.message();
        if (m instanceof AlpacaTrade) {
            onTrade((AlpacaTrade) m, now, at, receivedAt, rec.timestamp());
        } else if (m instanceof AlpacaCorrection) {
            onCorrection((AlpacaCorrection) m, rec, topic, partition, offset, now, at, receivedAt);
        } else if (m instanceof AlpacaCancel) {
            onCancel((AlpacaCancel) m, rec, topic, partition, offset, now, at);
        }
    }

    private void onTrade(AlpacaTrade t, long now, Instant at, Instant receivedAt, long ts) {
        Trade trade = new Trade(t.symbol(), t.id(), t.exchange(), MarketTime.tradeDate(t.timestamp()), t.price(), t.size(),
                t.conditions(), t.tape(), t.timestamp(), receivedAt, TradeStatus.OK, at);
        String key = trade.id().key();
        if (find(key, now) != null) {
            // A replay or backfill overlap: nothing downstream, and a corrected/canceled status stays.
            counters.duplicate(PipelineCounters.DUPLICATE_TRADE);
            return;
        }
        Trade current = trade;
        KeyValue<Long, PendingUpdates> waiting = findPending(key, now);
        if (waiting != null) {
            for (PendingUpdate u : waiting.value.updates()) {
                current = u.isCancel() ? cancel(current, at) : correct(current, at);
            }
            pending.put(key, null, waiting.key);
        }
        store(current, now);
        emit(current, ts);
    }

    private void onCorrection(AlpacaCorrection c, Record<String, byte[]> rec, String topic, int partition, long offset,
                              long now, Instant at, Instant receivedAt) {
        TradeId origId = new TradeId(c.symbol(), MarketTime.tradeDate(c.timestamp()), c.exchange(), c.originalId());
        Trade orig = find(origId.key(), now);
        Instant correctedTs = orig != null ? orig.tradeTs() : c.timestamp();
        String tape = c.tape() != null ? c.tape() : orig != null ? orig.tape() : null;
        Trade corrected = new Trade(c.symbol(), c.correctedId(), c.exchange(), MarketTime.tradeDate(correctedTs),
                c.correctedPrice(), c.correctedSize(), c.correctedConditions(), tape, correctedTs, receivedAt,
                TradeStatus.OK, at);
        boolean correctedKnown = find(corrected.id().key(), now) != null;
        if (orig != null) {
            if (orig.status() == TradeStatus.OK) {
                Trade marked = correct(orig, at);
                store(marked, now);
                emit(marked, rec.timestamp());
            } else if (correctedKnown) {
                counters.duplicate(PipelineCounters.DUPLICATE_CORRECTION);
                return;
            }
            // else: the original is already corrected or canceled; its status stays.
        } else {
            PendingUpdate u = new PendingUpdate(AlpacaCorrection.T, c.symbol(), rec.value(), topic, partition, offset,
                    rec.timestamp(), corrected.id().key());
            if (!addPending(origId.key(), u, now)) {
                counters.duplicate(PipelineCounters.DUPLICATE_CORRECTION);
                return;
            }
        }
        // The corrected trade is a trade of its own (new ID): emitted at once, even while its original is unseen.
        if (!correctedKnown) {
            store(corrected, now);
            emit(corrected, rec.timestamp());
        }
    }

    private void onCancel(AlpacaCancel x, Record<String, byte[]> rec, String topic, int partition, long offset,
                          long now, Instant at) {
        TradeId origId = new TradeId(x.symbol(), MarketTime.tradeDate(x.timestamp()), x.exchange(), x.id());
        Trade orig = find(origId.key(), now);
        if (orig != null) {
            if (orig.status() == TradeStatus.CANCELED) {
                counters.duplicate(PipelineCounters.DUPLICATE_CANCEL);
                return;
            }
            Trade marked = cancel(orig, at);
            store(marked, now);
            emit(marked, rec.timestamp());
        } else {
            PendingUpdate u = new PendingUpdate(AlpacaCancel.T, x.symbol(), rec.value(), topic, partition, offset,
                    rec.timestamp(), null);
            if (!addPending(origId.key(), u, now)) {
                counters.duplicate(PipelineCounters.DUPLICATE_CANCEL);
            }
        }
    }

    /** ok -> corrected; a corrected or canceled trade keeps its status. */
    private Trade correct(Trade t, Instant at) {
        if (t.status() != TradeStatus.OK) {
            return t;
        }
        counters.correctionApplied();
        return t.withStatus(TradeStatus.CORRECTED, at);
    }

    /** ok or corrected -> canceled; canceled is final. */
    private Trade cancel(Trade t, Instant at) {
        if (t.status() == TradeStatus.CANCELED) {
            return t;
        }
        counters.cancelApplied();
        return t.withStatus(TradeStatus.CANCELED, at);
    }

    /** Rejects every correction/cancel that waited longer than the pending window of stream time. */
    private void sweepOrphans(long streamTime) {
        long cutoff = streamTime - pendingMs - 1;
        if (cutoff < 0) {
            return;
        }
        List<KeyValue<Windowed<String>, PendingUpdates>> expired = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, PendingUpdates> it = pending.fetchAll(0L, cutoff)) {
            while (it.hasNext()) {
                expired.add(it.next());
            }
        }
        for (KeyValue<Windowed<String>, PendingUpdates> e : expired) {
            for (PendingUpdate u : e.value.updates()) {
                RejectReason reason = u.isCancel() ? RejectReason.ORPHAN_CANCEL : RejectReason.ORPHAN_CORRECTION;
                Reject r = RawValidator.reject(reason, "original trade " + e.key.key() + " not seen within "
                        + cfg.pendingWindow() + " of stream time", u.topic(), u.partition(), u.offset(), u.raw());
                emitReject(u.symbol(), r, streamTime);
            }
            pending.put(e.key.key(), null, e.key.window().start());
        }
    }

    private Trade find(String key, long now) {
        try (WindowStoreIterator<Trade> it = trades.backwardFetch(key, Math.max(0L, now - dedupeMs), now)) {
            return it.hasNext() ? it.next().value : null;
        }
    }

    private KeyValue<Long, PendingUpdates> findPending(String key, long now) {
        try (WindowStoreIterator<PendingUpdates> it = pending.fetch(key, Math.max(0L, now - pendingMs), now)) {
            return it.hasNext() ? it.next() : null;
        }
    }

    /** Parks an update for an unseen original; false when the same message already waits (a duplicate). */
    private boolean addPending(String origKey, PendingUpdate u, long now) {
        KeyValue<Long, PendingUpdates> existing = findPending(origKey, now);
        if (existing == null) {
            pending.put(origKey, PendingUpdates.of(u), now);
        } else {
            if (existing.value.containsSame(u)) {
                return false;
            }
            // Kept at the first arrival's time: the window runs from the first update that waits.
            pending.put(origKey, existing.value.plus(u), existing.key);
        }
        counters.pendingQueued();
        return true;
    }

    private void store(Trade t, long now) {
        trades.put(t.id().key(), t, now);
    }

    private void emit(Trade t, long ts) {
        ctx.forward(new Record<String, Object>(t.symbol(), t, ts), tradesSink);
        counters.recordOut(cfg.tradesTopic());
        Trade cur = latest.get(t.symbol());
        if (cur == null || cur.id().equals(t.id()) || !t.tradeTs().isBefore(cur.tradeTs())) {
            latest.put(t.symbol(), t);
        }
    }

    private void emitReject(String key, Reject r, long ts) {
        counters.reject(r);
        rejectLog.log(key, r);
        ctx.forward(new Record<String, Object>(key, r, ts), rejectsSink);
        counters.recordOut(cfg.rejectsTopic());
    }
}

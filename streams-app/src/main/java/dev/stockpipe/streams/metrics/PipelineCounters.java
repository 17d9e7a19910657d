package dev.stockpipe.streams.metrics;

import dev.stockpipe.model.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pipeline's own counters, as Micrometer meters (Prometheus names {@code stockpipe_streams_*_total}).
 * Counted when a record is processed; under exactly-once a task replayed after a crash counts its
 * records again, so these are operational figures, not an audit.
 */
public final class PipelineCounters {
    public static final String DUPLICATE_TRADE = "trade";
    public static final String DUPLICATE_CORRECTION = "correction";
    public static final String DUPLICATE_CANCEL = "cancel";
    public static final String DUPLICATE_BAR = "bar";

    private final MeterRegistry registry;
    private final Map<RejectReason, Counter> rejects = new EnumMap<>(RejectReason.class);
    private final Map<String, Counter> in = new ConcurrentHashMap<>();
    private final Map<String, Counter> out = new ConcurrentHashMap<>();
    private final Map<String, Counter> duplicates = new ConcurrentHashMap<>();
    private final Counter correctionsApplied;
    private final Counter cancelsApplied;
    private final Counter pendingQueued;
    private final Counter staleBars;
    private final Counter handlerErrors;

    public PipelineCounters(MeterRegistry registry) {
        this.registry = registry;
        for (RejectReason r : RejectReason.values()) {
            rejects.put(r, Counter.builder("stockpipe.streams.rejects").tag("reason", r.code())
                    .description("records written to the rejects topic, by reason").register(registry));
        }
        for (String kind : new String[] {DUPLICATE_TRADE, DUPLICATE_CORRECTION, DUPLICATE_CANCEL, DUPLICATE_BAR}) {
            duplicate(kind, 0);
        }
        correctionsApplied = Counter.builder("stockpipe.streams.corrections.applied")
                .description("corrections applied to a known original").register(registry);
        cancelsApplied = Counter.builder("stockpipe.streams.cancels.applied")
                .description("cancels applied to a known original").register(registry);
        pendingQueued = Counter.builder("stockpipe.streams.pending.queued")
                .description("corrections/cancels parked until their original arrives").register(registry);
        staleBars = Counter.builder("stockpipe.streams.bars.stale")
                .description("bars not applied because a newer or updated bar is stored").register(registry);
        handlerErrors = Counter.builder("stockpipe.streams.handler.errors")
                .description("records skipped by the deserialization/processing/production exception handlers").register(registry);
    }

    /** Registers the per-topic counters at zero, so they exist in /metrics before the first record. */
    public void registerTopics(java.util.Collection<String> inputs, java.util.Collection<String> outputs) {
        for (String t : inputs) {
            inCounter(t);
        }
        for (String t : outputs) {
            outCounter(t);
        }
    }

    private Counter inCounter(String topic) {
        return in.computeIfAbsent(topic, t -> Counter.builder("stockpipe.streams.records.in").tag("topic", t)
                .description("records read, by topic").register(registry));
    }

    private Counter outCounter(String topic) {
        return out.computeIfAbsent(topic, t -> Counter.builder("stockpipe.streams.records.out").tag("topic", t)
                .description("records written, by topic").register(registry));
    }

    public void recordIn(String topic) {
        inCounter(topic).increment();
    }

    public void recordOut(String topic) {
        outCounter(topic).increment();
    }

    public void reject(RejectReason reason) {
        rejects.get(reason).increment();
    }

    /** Counts a reject under its reason code. */
    public void reject(dev.stockpipe.model.Reject r) {
        for (Map.Entry<RejectReason, Counter> e : rejects.entrySet()) {
            if (e.getKey().code().equals(r.reason())) {
                e.getValue().increment();
                return;
            }
        }
    }

    public void duplicate(String kind) {
        duplicate(kind, 1);
    }

    private void duplicate(String kind, int n) {
        duplicates.computeIfAbsent(kind, k -> Counter.builder("stockpipe.streams.duplicates").tag("kind", k)
                .description("duplicates dropped, by kind").register(registry)).increment(n);
    }

    public void correctionApplied() {
        correctionsApplied.increment();
    }

    public void cancelApplied() {
        cancelsApplied.increment();
    }

    public void pendingQueued() {
        pendingQueued.increment();
    }

    public void staleBar() {
        staleBars.increment();
    }

    public void handlerError() {
        handlerErrors.increment();
    }

    public long rejects(RejectReason reason) {
        return (long) rejects.get(reason).count();
    }

    public long duplicates(String kind) {
        Counter c = duplicates.get(kind);
        return c == null ? 0 : (long) c.count();
    }

    public long correctionsApplied() {
        return (long) correctionsApplied.count();
    }

    public long cancelsApplied() {
        return (long) cancelsApplied.count();
    }

    public long staleBars() {
        return (long) staleBars.count();
    }

    public long handlerErrors() {
        return (long) handlerErrors.count();
    }

    /** A JSON-ready snapshot for the {@code /counters} endpoint. */
    public Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Long> dup = new LinkedHashMap<>();
        duplicates.forEach((k, c) -> dup.put(k, (long) c.count()));
        Map<String, Long> rej = new LinkedHashMap<>();
        rejects.forEach((r, c) -> rej.put(r.code(), (long) c.count()));
        Map<String, Long> ins = new LinkedHashMap<>();
        in.forEach((k, c) -> ins.put(k, (long) c.count()));
        Map<String, Long> outs = new LinkedHashMap<>();
        out.forEach((k, c) -> outs.put(k, (long) c.count()));
        m.put("records_in", ins);
        m.put("records_out", outs);
        m.put("duplicates", dup);
        m.put("rejects", rej);
        m.put("corrections_applied", correctionsApplied());
        m.put("cancels_applied", cancelsApplied());
        m.put("pending_queued", (long) pendingQueued.count());
        m.put("stale_bars", staleBars());
        m.put("handler_errors", handlerErrors());
        return m;
    }
}

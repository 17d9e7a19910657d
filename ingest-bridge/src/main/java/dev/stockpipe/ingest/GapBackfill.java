package dev.stockpipe.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stockpipe.ingest.alpaca.EpochNanos;
import dev.stockpipe.ingest.alpaca.HistoricalClient;
import dev.stockpipe.ingest.alpaca.StopSignal;
import dev.stockpipe.ingest.publish.KafkaPublisher;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.RecordHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs stream gaps from the historical REST API on its own thread (never the socket reader's): trades from each
 * symbol's start (inclusive) and minute bars, produced to the raw topics with header {@code source=backfill}.
 * Gaps run one after another; each is logged (symbols, start, end, records) and counted.
 */
public final class GapBackfill implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GapBackfill.class);
    private static final int SYMBOLS_PER_REQUEST = 100;

    /**
     * A gap to repair: per-symbol start of trades and of bars (inclusive). {@code end} is when the new session was
     * up (for the log); the requests leave {@code end} out so the server's "now" applies, which also holds when
     * the feed's clock is not ours (a simulator running faster than real time).
     */
    public record Gap(String why, Map<String, Instant> tradesFrom, Map<String, Instant> barsFrom, Instant end) {}

    /** What one gap recovered. */
    public record Result(long id, Gap gap, long trades, long bars, boolean complete) {}

    private final HistoricalClient rest;
    private final KafkaPublisher kafka;
    private final IngestMetrics metrics;
    private final StopSignal stop;
    private final String tradesTopic;
    private final String barsTopic;
    private final String feed;
    private final Duration barsRecheck;
    private final ScheduledExecutorService worker;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicReference<Result> last = new AtomicReference<>();

    public GapBackfill(HistoricalClient rest, KafkaPublisher kafka, IngestMetrics metrics, StopSignal stop,
                       String tradesTopic, String barsTopic, String feed, Duration barsRecheck) {
        this.barsRecheck = barsRecheck;
        this.rest = rest;
        this.kafka = kafka;
        this.metrics = metrics;
        this.stop = stop;
        this.tradesTopic = tradesTopic;
        this.barsTopic = barsTopic;
        this.feed = feed;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gap-backfill");
            t.setDaemon(true);
            return t;
        });
    }

    public void submit(Gap gap) {
        pending.incrementAndGet();
        worker.execute(() -> {
            try {
                last.set(run(gap));
            } finally {
                pending.decrementAndGet();
            }
        });
    }

    /** Gaps submitted and not finished yet. */
    public long pending() {
        return pending.get();
    }

    public Result lastResult() {
        return last.get();
    }

    Result run(Gap gap) {
        long id = ids.incrementAndGet();
        Result r = run(id, gap, true);
        if (!barsRecheck.isZero() && !stop.stopped()) {
            // REST serves a minute once it is final (late trades settle by the next :30): fetch the bars again later.
            pending.incrementAndGet();
            worker.schedule(() -> {
                try {
                    run(id, gap, false);
                } finally {
                    pending.decrementAndGet();
                }
            }, barsRecheck.toMillis(), TimeUnit.MILLISECONDS);
        }
        return r;
    }

    private Result run(long id, Gap gap, boolean withTrades) {
        String session = "backfill-" + id;
        long startedAt = System.nanoTime();
        long[] trades = {0};
        long[] bars = {0};
        boolean complete = true;
        Instant earliest = gap.tradesFrom().values().stream().min(Instant::compareTo).orElse(gap.end());
        try {
            Updates updates = new Updates();
            for (Map.Entry<Instant, List<String>> group : withTrades ? byStart(gap.tradesFrom()).entrySet()
                    : Map.<Instant, List<String>>of().entrySet()) {
                for (List<String> chunk : chunks(group.getValue())) {
                    trades[0] += rest.trades(chunk, group.getKey(), null, (symbol, obj) -> {
                        produce(tradesTopic, symbol, obj, session);
                        updates.accept(symbol, obj, session);
                    });
                }
            }
            updates.finish(id);
            for (Map.Entry<Instant, List<String>> group : byStart(gap.barsFrom()).entrySet()) {
                for (List<String> chunk : chunks(group.getValue())) {
                    bars[0] += rest.minuteBars(chunk, group.getKey(), null,
                            (symbol, obj) -> produce(barsTopic, symbol, obj, session));
                }
            }
        } catch (HistoricalClient.BackfillException | IllegalStateException e) {
            complete = false;
            metrics.backfillFailures.increment();
            log.error("gap {} ({}) backfill incomplete after {} trades and {} bars: {}", id, gap.why(), trades[0], bars[0], e.getMessage());
        }
        if (withTrades) {
            metrics.gaps.increment();
            metrics.gapSeconds.record(Math.max(0, Duration.between(earliest, gap.end()).toMillis()) / 1000.0);
        }
        log.info("gap {}{} ({}): symbols={} from {} to {}: recovered {} trades and {} bars in {} ms{}", id,
                withTrades ? "" : " bars re-check", gap.why(),
                gap.tradesFrom().keySet(), earliest, gap.end(), trades[0], bars[0],
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt), complete ? "" : " (INCOMPLETE)");
        return new Result(id, gap, trades[0], bars[0], complete);
    }

    private void produce(String topic, String symbol, ObjectNode obj, String session) {
        byte[] value;
        try {
            value = Json.MAPPER.writeValueAsBytes(obj);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a backfilled record as JSON", e);
        }
        if (kafka.send(topic, symbol, value, KafkaPublisher.headers(EpochNanos.now(), feed, session, RecordHeaders.SOURCE_BACKFILL))) {
            metrics.backfillRecords(topic).increment();
        }
    }

    /**
     * REST marks trades a cancel or correction changed ({@code u}: canceled, incorrect, corrected) but streams-app
     * learns of a change only from {@code x}/{@code c} messages; when the stream's message fell into the gap the
     * change would be lost. So each canceled trade is followed by an {@code x}, and each incorrect trade, paired
     * with the corrected one of the same symbol, exchange and time, by a {@code c} (duplicates of ones seen live
     * are harmless: streams-app applies a change once).
     */
    private final class Updates {
        private final Map<String, ObjectNode> incorrect = new java.util.HashMap<>();
        private final Map<String, ObjectNode> corrected = new java.util.HashMap<>();

        void accept(String symbol, ObjectNode t, String session) {
            String mark = t.path("u").asText("");
            if (mark.equals("canceled")) {
                ObjectNode x = Json.MAPPER.createObjectNode();
                x.put("T", "x");
                x.put("S", symbol);
                x.set("i", t.get("i"));
                x.set("x", t.get("x"));
                x.set("p", t.get("p"));
                x.set("s", t.get("s"));
                x.put("a", "C");
                x.set("t", t.get("t"));
                if (t.hasNonNull("z")) {
                    x.set("z", t.get("z"));
                }
                produce(tradesTopic, symbol, x, session);
            } else if (mark.equals("incorrect") || mark.equals("corrected")) {
                String key = symbol + "|" + t.path("x").asText() + "|" + t.path("t").asText();
                Map<String, ObjectNode> mine = mark.equals("incorrect") ? incorrect : corrected;
                Map<String, ObjectNode> other = mark.equals("incorrect") ? corrected : incorrect;
                ObjectNode pair = other.remove(key);
                if (pair == null) {
                    mine.put(key, t);
                    return;
                }
                ObjectNode orig = mark.equals("incorrect") ? t : pair;
                ObjectNode repl = mark.equals("incorrect") ? pair : t;
                ObjectNode c = Json.MAPPER.createObjectNode();
                c.put("T", "c");
                c.put("S", symbol);
                c.set("x", orig.get("x"));
                c.set("oi", orig.get("i"));
                c.set("op", orig.get("p"));
                c.set("os", orig.get("s"));
                c.set("oc", orig.get("c"));
                c.set("ci", repl.get("i"));
                c.set("cp", repl.get("p"));
                c.set("cs", repl.get("s"));
                c.set("cc", repl.get("c"));
                c.set("t", orig.get("t"));
                if (orig.hasNonNull("z")) {
                    c.set("z", orig.get("z"));
                }
                produce(tradesTopic, symbol, c, session);
            }
        }

        void finish(long id) {
            if (!incorrect.isEmpty() || !corrected.isEmpty()) {
                // Not pairable (e.g. one side outside the fetched range): the trades are there, the link is not.
                log.warn("gap {}: {} incorrect and {} corrected trades without a partner; their correction is not replayed: {}",
                        id, incorrect.size(), corrected.size(), incorrect.keySet());
            }
        }
    }

    private static Map<Instant, List<String>> byStart(Map<String, Instant> from) {
        Map<Instant, List<String>> out = new TreeMap<>();
        from.forEach((s, t) -> out.computeIfAbsent(t, k -> new ArrayList<>()).add(s));
        return out;
    }

    private static List<List<String>> chunks(List<String> symbols) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < symbols.size(); i += SYMBOLS_PER_REQUEST) {
            out.add(symbols.subList(i, Math.min(symbols.size(), i + SYMBOLS_PER_REQUEST)));
        }
        return out;
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

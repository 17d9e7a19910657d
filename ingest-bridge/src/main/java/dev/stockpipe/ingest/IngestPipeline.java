package dev.stockpipe.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.ingest.alpaca.ParsedFrame;
import dev.stockpipe.ingest.alpaca.RawMessage;
import dev.stockpipe.ingest.alpaca.Route;
import dev.stockpipe.ingest.alpaca.StreamHandler;
import dev.stockpipe.ingest.publish.KafkaPublisher;
import dev.stockpipe.ingest.publish.LiveEvent;
import dev.stockpipe.ingest.publish.RedisPublisher;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.MarketTime;
import dev.stockpipe.model.MessageFormatException;
import dev.stockpipe.model.alpaca.AlpacaBar;
import dev.stockpipe.model.alpaca.AlpacaMessage;
import dev.stockpipe.model.alpaca.AlpacaParser;
import dev.stockpipe.model.alpaca.AlpacaTrade;
import dev.stockpipe.model.live.LiveEvents;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's per-frame work on the socket reader: flow A first (typed parse, {@link LiveEvents} JSON, async
 * Redis — never blocks), then flow B (every trade/bar-family object to its raw topic exactly as received — blocks
 * only under Kafka backpressure). Remembers the last trade and bar time per symbol for the gap backfill.
 */
public final class IngestPipeline implements StreamHandler {
    private static final Logger log = LoggerFactory.getLogger(IngestPipeline.class);

    private final List<String> symbols;
    private final String tradesTopic;
    private final String barsTopic;
    private final String feed;
    private final Duration overlap;
    private final boolean backfillEnabled;
    private final KafkaPublisher kafka;
    private final RedisPublisher redis;
    private final GapBackfill backfill;
    private final IngestMetrics metrics;
    private final BadInputLog badInput;
    private final Clock clock;
    private final AlpacaParser parser;
    /** Symbol -> the {@code t} text of the last trade / minute bar received (parsed only when a gap needs it). */
    private final Map<String, String> lastTradeT = new ConcurrentHashMap<>();
    private final Map<String, String> lastBarT = new ConcurrentHashMap<>();
    /** Symbol -> earliest t of a record Kafka lost: repaired by the next backfill. */
    private final Map<String, Instant> lostSince = new ConcurrentHashMap<>();
    private volatile Instant firstSubscribedAt;
    private volatile Instant lastDownAt;
    /** Where a previous process stopped (read from Kafka at start-up); backfilled once, after the first subscription. */
    private StartupResume.Result resume;
    private long startedAtNanos;
    private Duration startupMax = Duration.ZERO;
    private boolean subscribedOnce;
    private boolean resumeSubmitted;

    public IngestPipeline(IngestConfig cfg, KafkaPublisher kafka, RedisPublisher redis, GapBackfill backfill,
                          IngestMetrics metrics, Clock clock) {
        this.symbols = cfg.symbols();
        this.tradesTopic = cfg.tradesRawTopic();
        this.barsTopic = cfg.barsRawTopic();
        this.feed = cfg.feed();
        this.overlap = cfg.backfillOverlap();
        this.backfillEnabled = cfg.backfillEnabled();
        this.kafka = kafka;
        this.redis = redis;
        this.backfill = backfill;
        this.metrics = metrics;
        this.badInput = new BadInputLog(metrics);
        this.clock = clock;
        this.parser = new AlpacaParser(clock);
        kafka.onLost(this::onLost);
    }

    @Override
    public void onFrame(ParsedFrame frame, byte[] raw, long receivedAtEpochNanos, long receivedNanoTime, String session) {
        if (!frame.ok()) {
            badInput.record("frame_" + frame.problem().code(), frame.problemDetail(), session, raw);
        }
        List<RawMessage> messages = frame.messages();
        List<LiveEvent> live = new ArrayList<>(messages.size());
        for (RawMessage m : messages) {
            String type = m.type();
            metrics.message(type).increment();
            if (m.route() == Route.OTHER) {
                continue;
            }
            if (!Route.isKnownType(type)) {
                badInput.record(type == null ? "missing_type" : "unknown_type", "T=" + type, session, m.json());
                continue;
            }
            AlpacaMessage typed;
            try {
                typed = parser.parse(m.node());
            } catch (MessageFormatException e) {
                // Still produced to the raw topic below: streams-app routes it to stocks.rejects with the reason.
                badInput.record(e.reason().code(), e.getMessage(), session, m.json());
                continue;
            }
            if (typed instanceof AlpacaTrade t) {
                live.add(new LiveEvent(t.symbol(), true, LiveEvents.trade(t, receivedAtEpochNanos)));
                lastTradeT.put(t.symbol(), m.node().get("t").textValue());
            } else if (typed instanceof AlpacaBar b) {
                live.add(new LiveEvent(b.symbol(), false, LiveEvents.bar(b, receivedAtEpochNanos)));
                if (b.kind() != AlpacaBar.Kind.DAILY) {
                    lastBarT.put(b.symbol(), m.node().get("t").textValue());
                }
            }
        }
        if (!live.isEmpty()) {
            redis.publish(live, receivedNanoTime);
        }
        for (RawMessage m : messages) {
            if (m.route() == Route.TRADES || m.route() == Route.BARS) {
                String topic = m.route() == Route.BARS ? barsTopic : tradesTopic;
                kafka.send(topic, m.symbol(), m.json(), KafkaPublisher.headers(receivedAtEpochNanos, feed, session, null));
            }
        }
    }

    @Override
    public void onSubscribed(String session, boolean afterGap) {
        Instant now = clock.instant();
        if (firstSubscribedAt == null) {
            firstSubscribedAt = now;
        }
        synchronized (this) {
            subscribedOnce = true;
        }
        submitStartupGap();
        if (afterGap && backfillEnabled) {
            backfill.submit(gap("reconnect after " + (lastDownAt == null ? "disconnect" : "disconnect at " + lastDownAt), now));
        }
    }

    /** The resume points a previous process left in Kafka: backfilled right after the first subscription. */
    void onStartupResume(StartupResume.Result result, long startedAtNanos, Duration max) {
        synchronized (this) {
            this.resume = result;
            this.startedAtNanos = startedAtNanos;
            this.startupMax = max;
        }
        submitStartupGap();
    }

    /** What start-up read from Kafka; null until read (or when start-up backfill is off). */
    synchronized StartupResume.Result startupResume() {
        return resume;
    }

    private void submitStartupGap() {
        GapBackfill.Gap g;
        synchronized (this) {
            if (resumeSubmitted || resume == null || !subscribedOnce || !backfillEnabled) {
                return;
            }
            resumeSubmitted = true;
            g = startupGap(resume, startedAtNanos, startupMax, clock.instant());
        }
        if (g == null) {
            log.info("startup resume: the raw topics hold nothing of {} from before this start: no backfill", symbols);
            return;
        }
        backfill.submit(g);
    }

    /**
     * The gap of the restart: trades from each symbol's last stored {@code t} minus the overlap, minute bars from its
     * last stored bar (inclusive). When the previous process stopped more than {@code max} ago, only the last
     * {@code max} (in the feed's time, estimated from the downtime on our clock) is fetched. A symbol Kafka knows
     * nothing of starts with the earliest symbol that it knows (it was presumably subscribed as well). Null when the
     * topics know no symbol at all (a first start).
     */
    GapBackfill.Gap startupGap(StartupResume.Result r, long startedAtNanos, Duration max, Instant end) {
        Map<String, Instant> trades = new LinkedHashMap<>();
        Map<String, Instant> bars = new LinkedHashMap<>();
        for (String s : symbols) {
            StartupResume.Point tp = r.trades().get(s);
            if (tp != null) {
                trades.put(s, latest(tp.t().minus(overlap), bounded(tp, startedAtNanos, max)));
            }
            StartupResume.Point bp = r.bars().get(s);
            if (bp != null) {
                bars.put(s, latest(bp.t(), bounded(bp, startedAtNanos, max)).truncatedTo(ChronoUnit.MINUTES));
            }
        }
        Instant earliest = null;
        for (Instant t : trades.values()) {
            earliest = earliest == null || t.isBefore(earliest) ? t : earliest;
        }
        for (Instant t : bars.values()) {
            earliest = earliest == null || t.isBefore(earliest) ? t : earliest;
        }
        if (earliest == null) {
            return null;
        }
        Map<String, Instant> tradesOut = new LinkedHashMap<>();
        Map<String, Instant> barsOut = new LinkedHashMap<>();
        for (String s : symbols) {
            Instant t = trades.getOrDefault(s, earliest);
            tradesOut.put(s, t);
            barsOut.put(s, bars.getOrDefault(s, t.truncatedTo(ChronoUnit.MINUTES)));
        }
        return new GapBackfill.Gap("restart: resuming from what the raw topics hold", tradesOut, barsOut, end);
    }

    /** The feed time {@code max} before this start, estimated as the point's t plus the downtime since it was received. */
    private static Instant bounded(StartupResume.Point p, long startedAtNanos, Duration max) {
        long down = p.receivedAtNanos() <= 0 ? 0 : Math.max(0, startedAtNanos - p.receivedAtNanos());
        return p.t().plusNanos(down).minus(max);
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** The gap to repair now: from each symbol's last seen time (or the first subscription) to {@code end}. */
    GapBackfill.Gap gap(String why, Instant end) {
        Instant origin = firstSubscribedAt == null ? end : firstSubscribedAt;
        Map<String, Instant> trades = new LinkedHashMap<>();
        Map<String, Instant> bars = new LinkedHashMap<>();
        for (String s : symbols) {
            Instant t = parse(lastTradeT.get(s), origin).minus(overlap);
            Instant lost = lostSince.remove(s);
            if (lost != null && lost.isBefore(t)) {
                t = lost;
            }
            trades.put(s, t);
            Instant b = parse(lastBarT.get(s), origin.truncatedTo(ChronoUnit.MINUTES));
            if (lost != null && lost.truncatedTo(ChronoUnit.MINUTES).isBefore(b)) {
                b = lost.truncatedTo(ChronoUnit.MINUTES);
            }
            bars.put(s, b);
        }
        return new GapBackfill.Gap(why, trades, bars, end);
    }

    private static Instant parse(String t, Instant fallback) {
        if (t == null) {
            return fallback;
        }
        try {
            return MarketTime.parseInstant(t);
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    @Override
    public void onSessionDown(String session, String reason) {
        lastDownAt = clock.instant();
    }

    @Override
    public boolean backpressured() {
        return kafka.waiting();
    }

    /** A record Kafka could not deliver: remember its time so the next backfill covers it; backfill now if streaming. */
    private void onLost(KafkaPublisher.Lost lost) {
        if (lost.key() == null || !symbols.contains(lost.key())) {
            return;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(lost.value());
            JsonNode t = n == null ? null : n.get("t");
            if (t != null && t.isTextual()) {
                Instant at = MarketTime.parseInstant(t.textValue());
                lostSince.merge(lost.key(), at, (a, b) -> a.isBefore(b) ? a : b);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("lost record without a readable t: {}", e.toString());
        }
    }

    /** Submits a repair backfill for records Kafka lost, if any (called periodically). */
    public void repairLosses() {
        if (lostSince.isEmpty() || !backfillEnabled || kafka.waiting()) {
            return;
        }
        Map<String, Instant> trades = new HashMap<>();
        Map<String, Instant> bars = new HashMap<>();
        for (String s : new ArrayList<>(lostSince.keySet())) {
            Instant at = lostSince.remove(s);
            if (at != null) {
                trades.put(s, at);
                bars.put(s, at.truncatedTo(ChronoUnit.MINUTES));
            }
        }
        if (!trades.isEmpty()) {
            backfill.submit(new GapBackfill.Gap("records Kafka could not deliver", trades, bars, clock.instant()));
        }
    }
}

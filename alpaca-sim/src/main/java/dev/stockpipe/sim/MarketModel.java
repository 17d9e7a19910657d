package dev.stockpipe.sim;

import dev.stockpipe.model.TradeStatus;
import dev.stockpipe.model.alpaca.AlpacaCancel;
import dev.stockpipe.model.alpaca.AlpacaCorrection;
import dev.stockpipe.model.alpaca.AlpacaMessage;
import dev.stockpipe.model.alpaca.AlpacaQuote;
import dev.stockpipe.model.alpaca.AlpacaTrade;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The market: a seeded, pure event simulation with no threads and no I/O. Trade arrivals are a Poisson
 * process drawn from the seed (so the sequence does not depend on how often the driver ticks); each
 * trade moves its symbol's random walk. Minute bars go out at each minute boundary, updated bars at the
 * following :30 for minutes that late trades changed, daily bars after each minute. Corrections and
 * cancels of earlier trades follow 1-20 s after them. Same seed + same start + same clock steps =
 * the same messages.
 */
final class MarketModel {
    static final long SECOND = 1_000_000_000L;
    static final long MINUTE = GroundTruth.MINUTE;
    static final long UPDATE_OFFSET = 30 * SECOND;

    /** The market's shape. Rates are fractions of trades. */
    record Settings(long seed, List<String> symbols, double tradesPerSecond, double correctionRate, double cancelRate,
                    double lateRate, double quoteRate, List<String> exchanges) {
        Settings {
            Objects.requireNonNull(symbols, "symbols");
            symbols = List.copyOf(symbols);
            exchanges = exchanges == null ? List.of() : List.copyOf(exchanges);
        }
    }

    /** Known listings: start price (cents) and tape; others get a seeded price and tape A. */
    private static final Map<String, Object[]> KNOWN = Map.ofEntries(
            Map.entry("AAPL", new Object[] {19_000L, "C"}), Map.entry("MSFT", new Object[] {42_000L, "C"}),
            Map.entry("GOOGL", new Object[] {17_000L, "C"}), Map.entry("AMZN", new Object[] {18_500L, "C"}),
            Map.entry("NVDA", new Object[] {12_000L, "C"}), Map.entry("TSLA", new Object[] {25_000L, "C"}),
            Map.entry("META", new Object[] {50_000L, "C"}), Map.entry("AMD", new Object[] {15_000L, "C"}),
            Map.entry("NFLX", new Object[] {65_000L, "C"}), Map.entry("QQQ", new Object[] {48_000L, "C"}),
            Map.entry("SPY", new Object[] {55_000L, "B"}), Map.entry("IWM", new Object[] {21_000L, "B"}),
            Map.entry("FAKEPACA", new Object[] {10_000L, "A"}));

    /** Share of SIP volume by venue, roughly; FINRA ADF (D) carries the off-exchange prints. */
    private static final Map<String, Integer> SIP_WEIGHTS = new LinkedHashMap<>();

    static {
        SIP_WEIGHTS.put("D", 30); SIP_WEIGHTS.put("Q", 18); SIP_WEIGHTS.put("K", 9); SIP_WEIGHTS.put("P", 8);
        SIP_WEIGHTS.put("N", 8); SIP_WEIGHTS.put("Z", 6); SIP_WEIGHTS.put("U", 5); SIP_WEIGHTS.put("V", 4);
        SIP_WEIGHTS.put("J", 3); SIP_WEIGHTS.put("Y", 3); SIP_WEIGHTS.put("X", 2); SIP_WEIGHTS.put("B", 2);
        SIP_WEIGHTS.put("H", 2);
    }

    static final List<String> DEFAULT_EXCHANGES = List.copyOf(SIP_WEIGHTS.keySet());

    private static final class Sym {
        final String name;
        final String tape;
        final String regular;
        long cents;
        final Map<String, Long> nextId = new HashMap<>();

        Sym(String name, String tape, long cents) {
            this.name = name;
            this.tape = tape;
            this.regular = tape.equals("C") ? "@" : " "; // UTP marks a regular sale '@', CTA ' ' (§4.2)
            this.cents = cents;
        }
    }

    /** A correction or cancel due at {@code due}. */
    private record Pending(long due, long order, GroundTruth.Entry target, boolean cancel) {}

    private final Settings settings;
    private final GroundTruth truth;
    private final SplittableRandom rnd;
    private final Sym[] syms;
    private final String[] exchanges;
    private final double[] exchangeCum;
    private final double meanGapNanos;
    private final long retentionNanos;
    private final PriorityQueue<Pending> pending = new PriorityQueue<>((a, b) ->
            a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.order, b.order));
    private long pendingOrder;
    private long now;
    private long nextArrival;
    private long nextClose;
    private long nextUpdate;

    MarketModel(Settings settings, GroundTruth truth, long startNanos, long retentionNanos) {
        this.settings = settings;
        this.truth = truth;
        this.retentionNanos = retentionNanos;
        this.rnd = new SplittableRandom(settings.seed());
        this.syms = new Sym[settings.symbols().size()];
        for (int i = 0; i < syms.length; i++) {
            String s = settings.symbols().get(i);
            Object[] known = KNOWN.get(s);
            long cents = known != null ? (Long) known[0] : 2_000 + rnd.nextLong(48_000);
            String tape = known != null ? (String) known[1] : "A";
            syms[i] = new Sym(s, tape, cents);
        }
        List<String> ex = settings.exchanges().isEmpty() ? DEFAULT_EXCHANGES : settings.exchanges();
        this.exchanges = ex.toArray(new String[0]);
        this.exchangeCum = new double[exchanges.length];
        double sum = 0;
        for (int i = 0; i < exchanges.length; i++) {
            sum += settings.exchanges().isEmpty() ? SIP_WEIGHTS.get(exchanges[i]) : 1;
            exchangeCum[i] = sum;
        }
        for (int i = 0; i < exchangeCum.length; i++) {
            exchangeCum[i] /= sum;
        }
        this.meanGapNanos = settings.tradesPerSecond() > 0 ? SECOND / settings.tradesPerSecond() : 0;
        this.now = startNanos;
        truth.startAt(startNanos);
        this.nextArrival = meanGapNanos > 0 ? startNanos + gap() : Long.MAX_VALUE;
        this.nextClose = Math.floorDiv(startNanos, MINUTE) * MINUTE + MINUTE;
        this.nextUpdate = nextClose + UPDATE_OFFSET;
    }

    /** Model time processed so far (epoch nanos). */
    long now() {
        return now;
    }

    /**
     * Processes the events due at or before {@code until}, at most about {@code maxEvents} of them, appending
     * what goes on the stream to {@code out}. Returns true when caught up with {@code until}.
     */
    boolean advanceTo(long until, int maxEvents, List<AlpacaMessage> out) {
        for (int n = 0; n < maxEvents; n++) {
            long p = pending.isEmpty() ? Long.MAX_VALUE : pending.peek().due;
            long next = Math.min(Math.min(nextClose, nextUpdate), Math.min(p, nextArrival));
            if (next > until) {
                now = Math.max(now, until);
                return true;
            }
            now = next;
            if (next == nextClose) {
                closeMinute(out);
            } else if (next == nextUpdate) {
                out.addAll(truth.drainUpdates());
                nextUpdate += MINUTE;
            } else if (next == p) {
                apply(pending.poll(), out);
            } else {
                arrival(out);
            }
        }
        return false;
    }

    /** After a pause: no trades for the skipped time (bar closes and pending corrections still happen). */
    void skipTradesUntil(long t) {
        if (meanGapNanos > 0 && nextArrival < t) {
            nextArrival = t + gap();
        }
    }

    private void closeMinute(List<AlpacaMessage> out) {
        long minute = nextClose - MINUTE;
        out.addAll(truth.closeMinute(minute));
        out.addAll(truth.dailyBarsOf(minute));
        if (retentionNanos > 0) {
            truth.prune(nextClose - retentionNanos);
        }
        nextClose += MINUTE;
    }

    private void arrival(List<AlpacaMessage> out) {
        Sym s = syms[rnd.nextInt(syms.length)];
        // Random walk in cents: a few basis points per trade at most, never below $1.
        double step = rnd.nextGaussian() * Math.max(1.0, s.cents * 0.00015);
        s.cents = Math.max(100, s.cents + Math.round(step));
        String x = pickExchange();
        long id = nextId(s, x);
        BigDecimal price = price(s.cents, x);
        long size;
        double u = rnd.nextDouble();
        if (u < 0.15) {
            size = 1 + rnd.nextInt(99);
        } else if (u < 0.85) {
            size = 100L * (1 + rnd.nextInt(5));
        } else {
            size = 100 + rnd.nextInt(4_900);
        }
        List<String> conditions = new ArrayList<>(3);
        conditions.add(s.regular);
        if (rnd.nextDouble() < 0.05) {
            conditions.add("F"); // intermarket sweep: bar-eligible
        }
        if (size < 100) {
            conditions.add("I"); // odd lot: kept out of bars
        }
        long t = now;
        if (rnd.nextDouble() < settings.lateRate()) {
            t = now - SECOND - rnd.nextLong(9 * SECOND); // reported late, up to the venues' 10 s
        }
        AlpacaTrade trade = new AlpacaTrade(s.name, id, x, price, size, conditions, GroundTruth.instant(t), s.tape);
        GroundTruth.Entry e = truth.recordTrade(trade, t, false);
        out.add(trade);
        double fate = rnd.nextDouble();
        if (fate < settings.correctionRate()) {
            pending.add(new Pending(now + SECOND + rnd.nextLong(19 * SECOND), pendingOrder++, e, false));
        } else if (fate < settings.correctionRate() + settings.cancelRate()) {
            pending.add(new Pending(now + SECOND + rnd.nextLong(19 * SECOND), pendingOrder++, e, true));
        }
        if (settings.quoteRate() > 0 && rnd.nextDouble() < settings.quoteRate()) {
            long spread = 1 + rnd.nextInt(3);
            out.add(new AlpacaQuote(s.name, pickExchange(), BigDecimal.valueOf(Math.max(1, s.cents - spread), 2),
                    100L * (1 + rnd.nextInt(10)), pickExchange(), BigDecimal.valueOf(s.cents + spread, 2),
                    100L * (1 + rnd.nextInt(10)), List.of("R"), GroundTruth.instant(now), s.tape));
        }
        nextArrival = now + gap();
    }

    private void apply(Pending p, List<AlpacaMessage> out) {
        AlpacaTrade o = p.target().trade;
        if (p.cancel()) {
            truth.setStatus(p.target(), TradeStatus.CANCELED);
            // t is the canceled trade's own time: clients that look the trade up and those that use t agree.
            out.add(new AlpacaCancel(o.symbol(), o.id(), o.exchange(), o.price(), o.size(),
                    rnd.nextDouble() < 0.9 ? "C" : "E", o.timestamp(), o.tape()));
            return;
        }
        Sym s = symbol(o.symbol());
        long newId = nextId(s, o.exchange());
        long deltaCents = (1 + rnd.nextInt(5)) * (rnd.nextBoolean() ? 1 : -1);
        BigDecimal cp = o.price().add(BigDecimal.valueOf(deltaCents, 2));
        if (cp.signum() <= 0) {
            cp = o.price().add(BigDecimal.valueOf(Math.abs(deltaCents), 2));
        }
        cp = normalize(cp);
        AlpacaTrade replacement = new AlpacaTrade(o.symbol(), newId, o.exchange(), cp, o.size(), o.conditions(), o.timestamp(), o.tape());
        truth.setStatus(p.target(), TradeStatus.CORRECTED);
        truth.recordTrade(replacement, p.target().tNanos, true);
        out.add(new AlpacaCorrection(o.symbol(), o.exchange(), o.id(), o.price(), o.size(), o.conditions(),
                newId, cp, o.size(), o.conditions(), o.timestamp(), o.tape()));
    }

    private Sym symbol(String name) {
        for (Sym s : syms) {
            if (s.name.equals(name)) {
                return s;
            }
        }
        throw new IllegalStateException("unknown symbol " + name);
    }

    /** Per (symbol, exchange) counters, as venues assign IDs; FINRA ADF's are offset into the 10^13 range (§5.2). */
    private long nextId(Sym s, String x) {
        Long cur = s.nextId.get(x);
        long id = cur != null ? cur : (x.equals("D") ? 52_983_525_000_000L : 0) + 1 + rnd.nextInt(1_000);
        s.nextId.put(x, id + 1 + rnd.nextInt(3));
        return id;
    }

    /** Cents, with sub-penny prints on the off-exchange venue (as real ADF prints have). */
    private BigDecimal price(long cents, String x) {
        if (x.equals("D") && rnd.nextDouble() < 0.3) {
            return normalize(BigDecimal.valueOf(cents * 100 + rnd.nextInt(100), 4));
        }
        return normalize(BigDecimal.valueOf(cents, 2));
    }

    /** 190.10 -> 190.1, 190.00 -> 190: prices as Alpaca writes them (§3: prices may be integral). */
    static BigDecimal normalize(BigDecimal p) {
        BigDecimal s = p.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    private String pickExchange() {
        double u = rnd.nextDouble();
        for (int i = 0; i < exchangeCum.length; i++) {
            if (u < exchangeCum[i]) {
                return exchanges[i];
            }
        }
        return exchanges[exchanges.length - 1];
    }

    private long gap() {
        return 1 + (long) (-Math.log(1.0 - rnd.nextDouble()) * meanGapNanos);
    }

    static Set<String> knownSymbols() {
        return KNOWN.keySet();
    }
}

package dev.stockpipe.sim;

import dev.stockpipe.model.MarketTime;
import dev.stockpipe.model.TradeStatus;
import dev.stockpipe.model.alpaca.AlpacaBar;
import dev.stockpipe.model.alpaca.AlpacaMessage;
import dev.stockpipe.model.alpaca.AlpacaTrade;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the simulator emitted, after corrections and cancels: every trade, the final minute bars
 * (aggregates of the emitted trades, late ones included), daily bars, and every message in stream order.
 * The REST API answers from here. Time ranges of the library calls are half-open {@code [from, to)};
 * the REST endpoints are inclusive at both ends, as Alpaca's are.
 *
 * <p>Bars aggregate the trades as first emitted: corrections and cancels do not change bars (as Alpaca's
 * documentation says for its v3 bars), so a client can check bars against the {@code t} messages alone.
 * A minute is final once its {@code b} was sent and the following :30 passed (late trades lag at most 10 s).
 *
 * <p>Thread-safety: every method synchronizes on this object; the market thread holds the lock for a
 * whole step, readers get copies.
 */
public final class GroundTruth {
    static final long MINUTE = 60_000_000_000L;

    /** A trade with its mutable status. */
    static final class Entry {
        final AlpacaTrade trade;
        final long tNanos;
        final long seq;
        final boolean replacement;
        TradeStatus status = TradeStatus.OK;

        Entry(AlpacaTrade trade, long tNanos, long seq, boolean replacement) {
            this.trade = trade;
            this.tNanos = tNanos;
            this.seq = seq;
            this.replacement = replacement;
        }

        SimTrade snapshot() {
            return new SimTrade(trade, status, replacement, seq);
        }
    }

    /** Sort key of trades within a symbol: participant time, then emission order. */
    record TimeSeq(long t, long seq) implements Comparable<TimeSeq> {
        @Override
        public int compareTo(TimeSeq o) {
            int c = Long.compare(t, o.t);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    record SymbolMinute(String symbol, long minute) {}

    /** A message and the model time it was sent at. */
    record Emitted(long at, AlpacaMessage message) {}

    private final boolean keepTrades;
    private final ArrayList<Entry> trades = new ArrayList<>();
    private final Map<String, TreeMap<TimeSeq, Entry>> tradesBySymbol = new HashMap<>();
    private final Map<String, TreeMap<Long, BarAggregate>> minutes = new HashMap<>();
    private final Set<SymbolMinute> dirty = new LinkedHashSet<>();
    private final ArrayList<Emitted> emitted = new ArrayList<>();
    private long seq;
    private long closedUpTo = Long.MIN_VALUE;
    private long tradeCount;

    GroundTruth(boolean keepTrades) {
        this.keepTrades = keepTrades;
    }

    // ------------------------------------------------------------------ writes (market thread)

    /** Minutes before the model's start count as sent: a late trade into one makes a {@code u}, as for any sent minute. */
    synchronized void startAt(long startNanos) {
        closedUpTo = Math.floorDiv(startNanos, MINUTE) * MINUTE;
    }

    synchronized Entry recordTrade(AlpacaTrade trade, long tNanos, boolean replacement) {
        Entry e = new Entry(trade, tNanos, seq++, replacement);
        tradeCount++;
        if (keepTrades) {
            trades.add(e);
            tradesBySymbol.computeIfAbsent(trade.symbol(), k -> new TreeMap<>()).put(new TimeSeq(tNanos, e.seq), e);
        }
        // Replacements come from corrections, which do not change bars.
        if (!replacement && BarAggregate.eligible(trade.conditions())) {
            long minute = Math.floorDiv(tNanos, MINUTE) * MINUTE;
            minutes.computeIfAbsent(trade.symbol(), k -> new TreeMap<>())
                    .computeIfAbsent(minute, k -> new BarAggregate())
                    .add(trade.price(), trade.size(), tNanos, e.seq);
            if (minute + MINUTE <= closedUpTo) {
                dirty.add(new SymbolMinute(trade.symbol(), minute));
            }
        }
        return e;
    }

    synchronized void setStatus(Entry e, TradeStatus status) {
        e.status = status;
    }

    /** Closes the minute starting at {@code minute}: returns its {@code b} bars, one per symbol with eligible trades. */
    synchronized List<AlpacaBar> closeMinute(long minute) {
        closedUpTo = Math.max(closedUpTo, minute + MINUTE);
        List<AlpacaBar> out = new ArrayList<>();
        Instant t = instant(minute);
        for (String symbol : sortedSymbols()) {
            BarAggregate a = minutes.get(symbol).get(minute);
            if (a != null) {
                out.add(a.toBar(AlpacaBar.Kind.MINUTE, symbol, t));
            }
        }
        return out;
    }

    /** The cumulative {@code d} bars of the New York date of {@code minute}, from the closed minutes. */
    synchronized List<AlpacaBar> dailyBarsOf(long minute) {
        LocalDate date = MarketTime.tradeDate(instant(minute));
        long dayStart = MarketTime.startOfDay(date).getEpochSecond() * 1_000_000_000L;
        long dayEnd = MarketTime.startOfDay(date.plusDays(1)).getEpochSecond() * 1_000_000_000L;
        List<AlpacaBar> out = new ArrayList<>();
        for (String symbol : sortedSymbols()) {
            BarAggregate day = rollup(minutes.get(symbol), dayStart, Math.min(dayEnd, closedUpTo) - 1);
            if (day.count() > 0) {
                out.add(day.toBar(AlpacaBar.Kind.DAILY, symbol, instant(dayStart)));
            }
        }
        return out;
    }

    /** The {@code u} bars of closed minutes that late trades changed since the last call. */
    synchronized List<AlpacaBar> drainUpdates() {
        List<AlpacaBar> out = new ArrayList<>(dirty.size());
        for (SymbolMinute sm : dirty) {
            out.add(minutes.get(sm.symbol()).get(sm.minute()).toBar(AlpacaBar.Kind.UPDATED, sm.symbol(), instant(sm.minute())));
        }
        dirty.clear();
        return out;
    }

    synchronized void recordEmitted(long at, List<? extends AlpacaMessage> messages) {
        if (keepTrades) {
            for (AlpacaMessage m : messages) {
                emitted.add(new Emitted(at, m));
            }
        }
    }

    /** Forgets what happened before {@code before} (epoch nanos), bounding memory of long runs. */
    synchronized void prune(long before) {
        int n = 0;
        while (n < trades.size() && trades.get(n).tNanos < before) {
            n++;
        }
        trades.subList(0, n).clear();
        for (TreeMap<TimeSeq, Entry> m : tradesBySymbol.values()) {
            m.headMap(new TimeSeq(before, Long.MIN_VALUE)).clear();
        }
        for (TreeMap<Long, BarAggregate> m : minutes.values()) {
            m.headMap(Math.floorDiv(before, MINUTE) * MINUTE - MINUTE * 60 * 24).clear(); // keep a day for daily bars
        }
        int k = 0;
        while (k < emitted.size() && emitted.get(k).at() < before) {
            k++;
        }
        emitted.subList(0, k).clear();
    }

    // ------------------------------------------------------------------ reads (library)

    /** Every trade with participant time in {@code [from, to)}, in emission order, with its final status. */
    public synchronized List<SimTrade> trades(Instant from, Instant to) {
        long a = nanos(from);
        long b = nanos(to);
        List<SimTrade> out = new ArrayList<>();
        for (Entry e : trades) {
            if (e.tNanos >= a && e.tNanos < b) {
                out.add(e.snapshot());
            }
        }
        return out;
    }

    public synchronized List<SimTrade> trades() {
        List<SimTrade> out = new ArrayList<>(trades.size());
        for (Entry e : trades) {
            out.add(e.snapshot());
        }
        return out;
    }

    /** The final minute bars ({@code T:"b"}) of closed minutes starting in {@code [from, to)}, by symbol then time. */
    public synchronized List<AlpacaBar> bars(Instant from, Instant to) {
        long a = nanos(from);
        long b = nanos(to);
        List<AlpacaBar> out = new ArrayList<>();
        for (String symbol : sortedSymbols()) {
            for (Map.Entry<Long, BarAggregate> e : closedMinutes(symbol, a, b - 1).entrySet()) {
                out.add(e.getValue().toBar(AlpacaBar.Kind.MINUTE, symbol, instant(e.getKey())));
            }
        }
        return out;
    }

    /** Daily bars ({@code T:"d"}, {@code t} = New York midnight) of days starting in {@code [from, to)}, from closed minutes. */
    public synchronized List<AlpacaBar> dailyBars(Instant from, Instant to) {
        List<AlpacaBar> out = new ArrayList<>();
        for (String symbol : sortedSymbols()) {
            out.addAll(rollupDaily(symbol, nanos(from), nanos(to) - 1));
        }
        return out;
    }

    /** Every message the market model or a script sent on the stream, in order (a duplicate-frame fault is not repeated here). */
    public synchronized List<AlpacaMessage> emitted() {
        List<AlpacaMessage> out = new ArrayList<>(emitted.size());
        for (Emitted e : emitted) {
            out.add(e.message());
        }
        return out;
    }

    /** Trades emitted since start, pruned or not. */
    public synchronized long tradeCount() {
        return tradeCount;
    }

    // ------------------------------------------------------------------ REST support

    /** Symbols with any trade or bar, sorted. */
    synchronized List<String> symbols() {
        java.util.TreeSet<String> s = new java.util.TreeSet<>(minutes.keySet());
        s.addAll(tradesBySymbol.keySet());
        return new ArrayList<>(s);
    }

    /** Trades of one symbol with time in {@code [a, b]} (inclusive), by time then emission order. */
    synchronized List<SimTrade> tradesOf(String symbol, long a, long b) {
        TreeMap<TimeSeq, Entry> m = tradesBySymbol.get(symbol);
        if (m == null || a > b) {
            return List.of();
        }
        List<SimTrade> out = new ArrayList<>();
        for (Entry e : m.subMap(new TimeSeq(a, Long.MIN_VALUE), true, new TimeSeq(b, Long.MAX_VALUE), true).values()) {
            out.add(e.snapshot());
        }
        return out;
    }

    /** Copies of the closed minute aggregates of one symbol starting in {@code [a, b]}. */
    synchronized NavigableMap<Long, BarAggregate> closedMinutes(String symbol, long a, long b) {
        TreeMap<Long, BarAggregate> m = minutes.get(symbol);
        TreeMap<Long, BarAggregate> out = new TreeMap<>();
        long last = Math.min(b, closedUpTo - MINUTE);
        if (m == null || a > last) {
            return out;
        }
        m.subMap(a, true, last, true).forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    private List<AlpacaBar> rollupDaily(String symbol, long a, long b) {
        TreeMap<Long, BarAggregate> days = new TreeMap<>();
        for (Map.Entry<Long, BarAggregate> e : closedMinutes(symbol, Long.MIN_VALUE / 2, Long.MAX_VALUE / 2).entrySet()) {
            long day = MarketTime.startOfDay(MarketTime.tradeDate(instant(e.getKey()))).getEpochSecond() * 1_000_000_000L;
            if (day >= a && day <= b) {
                days.computeIfAbsent(day, k -> new BarAggregate()).merge(e.getValue());
            }
        }
        List<AlpacaBar> out = new ArrayList<>();
        days.forEach((day, agg) -> out.add(agg.toBar(AlpacaBar.Kind.DAILY, symbol, instant(day))));
        return out;
    }

    private static BarAggregate rollup(TreeMap<Long, BarAggregate> m, long a, long b) {
        BarAggregate out = new BarAggregate();
        if (m != null && a <= b) {
            m.subMap(a, true, b, true).values().forEach(out::merge);
        }
        return out;
    }

    private List<String> sortedSymbols() {
        List<String> s = new ArrayList<>(minutes.keySet());
        s.sort(null);
        return s;
    }

    static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

}

package dev.stockpipe.sim;

import dev.stockpipe.model.alpaca.AlpacaBar;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Set;

/**
 * OHLC, volume, count and exact notional of a set of trades. Open and close follow the trades'
 * participant timestamps (ties broken by emission order), so a late trade can change them.
 */
final class BarAggregate {
    /**
     * Conditions kept out of bars (reference §4.2, the staff list): a trade with any of them is left out
     * of the bar entirely (price, volume, count). Simpler than Alpaca's looser volume filter; documented.
     */
    static final Set<String> EXCLUDED_CONDITIONS = Set.of(
            "B", "W", "4", "7", "9", "C", "G", "H", "I", "M", "N", "P", "Q", "R", "T");
    /** VWAP decimals, as Alpaca writes it ({@code 389.062639}). */
    static final int VWAP_SCALE = 6;

    private BigDecimal open;
    private long openT;
    private long openSeq;
    private BigDecimal close;
    private long closeT;
    private long closeSeq;
    private BigDecimal high;
    private BigDecimal low;
    private long volume;
    private long count;
    private BigDecimal notional = BigDecimal.ZERO;

    static boolean eligible(Iterable<String> conditions) {
        for (String c : conditions) {
            if (EXCLUDED_CONDITIONS.contains(c)) {
                return false;
            }
        }
        return true;
    }

    void add(BigDecimal price, long size, long tNanos, long seq) {
        if (count == 0 || tNanos < openT || (tNanos == openT && seq < openSeq)) {
            open = price;
            openT = tNanos;
            openSeq = seq;
        }
        if (count == 0 || tNanos > closeT || (tNanos == closeT && seq > closeSeq)) {
            close = price;
            closeT = tNanos;
            closeSeq = seq;
        }
        high = high == null || price.compareTo(high) > 0 ? price : high;
        low = low == null || price.compareTo(low) < 0 ? price : low;
        volume += size;
        count++;
        notional = notional.add(price.multiply(BigDecimal.valueOf(size)));
    }

    /** Rolls another aggregate into this one (higher timeframes, daily bars). */
    void merge(BarAggregate o) {
        if (o.count == 0) {
            return;
        }
        if (count == 0 || o.openT < openT || (o.openT == openT && o.openSeq < openSeq)) {
            open = o.open;
            openT = o.openT;
            openSeq = o.openSeq;
        }
        if (count == 0 || o.closeT > closeT || (o.closeT == closeT && o.closeSeq > closeSeq)) {
            close = o.close;
            closeT = o.closeT;
            closeSeq = o.closeSeq;
        }
        high = high == null || o.high.compareTo(high) > 0 ? o.high : high;
        low = low == null || o.low.compareTo(low) < 0 ? o.low : low;
        volume += o.volume;
        count += o.count;
        notional = notional.add(o.notional);
    }

    BarAggregate copy() {
        BarAggregate c = new BarAggregate();
        c.merge(this);
        return c;
    }

    long count() {
        return count;
    }

    /** VWAP = Σ price·size / Σ size, rounded half-up to {@link #VWAP_SCALE} places. */
    static BigDecimal vwap(BigDecimal notional, long volume) {
        return notional.divide(BigDecimal.valueOf(volume), VWAP_SCALE, RoundingMode.HALF_UP).stripTrailingZeros();
    }

    AlpacaBar toBar(AlpacaBar.Kind kind, String symbol, Instant t) {
        return new AlpacaBar(kind, symbol, open, high, low, close, volume, count, vwap(notional, volume), t);
    }
}

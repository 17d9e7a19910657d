package dev.stockpipe.model.alpaca;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * {@code T:"b"} minute bar, {@code "u"} updated minute bar, {@code "d"} daily bar. {@code t} is the start
 * of the interval. {@code n} and {@code vw} are optional (absent in legacy messages): null here.
 */
public record AlpacaBar(Kind kind, String symbol, BigDecimal open, BigDecimal high, BigDecimal low, BigDecimal close,
                        long volume, Long tradeCount, BigDecimal vwap, Instant timestamp) implements AlpacaMessage {

    public enum Kind {
        MINUTE("b"), UPDATED("u"), DAILY("d");

        private final String t;

        Kind(String t) {
            this.t = t;
        }

        public String t() {
            return t;
        }

        public static Kind ofT(String t) {
            for (Kind k : values()) {
                if (k.t.equals(t)) {
                    return k;
                }
            }
            return null;
        }
    }

    public AlpacaBar {
        Objects.requireNonNull(kind, "T");
        Objects.requireNonNull(symbol, "S");
        Objects.requireNonNull(open, "o");
        Objects.requireNonNull(high, "h");
        Objects.requireNonNull(low, "l");
        Objects.requireNonNull(close, "c");
        Objects.requireNonNull(timestamp, "t");
    }

    @Override
    public String type() {
        return kind.t();
    }
}

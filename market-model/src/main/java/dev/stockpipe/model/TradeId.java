package dev.stockpipe.model;

import java.time.LocalDate;
import java.util.Objects;

/**
 * A trade's identity (reference §5.2): trade IDs are assigned per venue, so the key is
 * (symbol, New York trade date, exchange, trade id), the primary key of stock_trades_realtime.
 */
public record TradeId(String symbol, LocalDate tradeDate, String exchange, long tradeId) {
    public TradeId {
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(tradeDate, "tradeDate");
        Objects.requireNonNull(exchange, "exchange");
    }

    /** A compact string form for state-store keys: {@code AAPL|2023-04-06|K|628}. */
    public String key() {
        return symbol + '|' + tradeDate + '|' + exchange + '|' + tradeId;
    }

    public static TradeId parseKey(String key) {
        String[] p = key.split("\\|", -1);
        if (p.length != 4) {
            throw new IllegalArgumentException("not a trade id key: " + key);
        }
        return new TradeId(p[0], LocalDate.parse(p[1]), p[2], Long.parseLong(p[3]));
    }
}

package dev.stockpipe.model.alpaca;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** {@code T:"t"}. {@code i} is the venue's trade ID, unique only per (symbol, date, exchange). */
public record AlpacaTrade(String symbol, long id, String exchange, BigDecimal price, long size,
                          List<String> conditions, Instant timestamp, String tape) implements AlpacaMessage {
    public static final String T = "t";

    public AlpacaTrade {
        Objects.requireNonNull(symbol, "S");
        Objects.requireNonNull(exchange, "x");
        Objects.requireNonNull(price, "p");
        Objects.requireNonNull(timestamp, "t");
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }

    @Override
    public String type() {
        return T;
    }
}

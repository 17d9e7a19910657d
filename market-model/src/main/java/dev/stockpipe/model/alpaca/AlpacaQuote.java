package dev.stockpipe.model.alpaca;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** {@code T:"q"}. A price of 0 means no active bid or ask. */
public record AlpacaQuote(String symbol, String bidExchange, BigDecimal bidPrice, long bidSize,
                          String askExchange, BigDecimal askPrice, long askSize,
                          List<String> conditions, Instant timestamp, String tape) implements AlpacaMessage {
    public static final String T = "q";

    public AlpacaQuote {
        Objects.requireNonNull(symbol, "S");
        Objects.requireNonNull(timestamp, "t");
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }

    @Override
    public String type() {
        return T;
    }
}

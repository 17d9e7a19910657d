package dev.stockpipe.model.alpaca;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/** {@code T:"i"}: order imbalance, typically during LULD halts. */
public record AlpacaImbalance(String symbol, BigDecimal price, Instant timestamp, String tape) implements AlpacaMessage {
    public static final String T = "i";

    public AlpacaImbalance {
        Objects.requireNonNull(symbol, "S");
        Objects.requireNonNull(timestamp, "t");
    }

    @Override
    public String type() {
        return T;
    }
}

package dev.stockpipe.model.alpaca;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/** {@code T:"l"}: limit-up/limit-down band. */
public record AlpacaLuld(String symbol, BigDecimal limitUp, BigDecimal limitDown, String indicator,
                         Instant timestamp, String tape) implements AlpacaMessage {
    public static final String T = "l";

    public AlpacaLuld {
        Objects.requireNonNull(symbol, "S");
        Objects.requireNonNull(timestamp, "t");
    }

    @Override
    public String type() {
        return T;
    }
}

package dev.stockpipe.model.alpaca;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/** {@code T:"x"}: trade {@code i} on exchange {@code x} is canceled ({@code a}="C") or an error ("E"); both void it. */
public record AlpacaCancel(String symbol, long id, String exchange, BigDecimal price, long size, String action,
                           Instant timestamp, String tape) implements AlpacaMessage {
    public static final String T = "x";

    public AlpacaCancel {
        Objects.requireNonNull(symbol, "S");
        Objects.requireNonNull(exchange, "x");
        Objects.requireNonNull(price, "p");
        Objects.requireNonNull(timestamp, "t");
    }

    @Override
    public String type() {
        return T;
    }
}

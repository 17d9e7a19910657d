package dev.stockpipe.model.alpaca;

import java.time.Instant;
import java.util.Objects;

/** {@code T:"s"}: trading status; codes are opaque strings (reference §4). */
public record AlpacaStatus(String symbol, String statusCode, String statusMessage, String reasonCode,
                           String reasonMessage, Instant timestamp, String tape) implements AlpacaMessage {
    public static final String T = "s";

    public AlpacaStatus {
        Objects.requireNonNull(symbol, "S");
        Objects.requireNonNull(timestamp, "t");
    }

    @Override
    public String type() {
        return T;
    }
}

package dev.stockpipe.model.alpaca;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** {@code T:"c"}: trade {@code oi} on exchange {@code x} is superseded by the corrected trade {@code ci} (a new ID). */
public record AlpacaCorrection(String symbol, String exchange,
                               long originalId, BigDecimal originalPrice, long originalSize, List<String> originalConditions,
                               long correctedId, BigDecimal correctedPrice, long correctedSize, List<String> correctedConditions,
                               Instant timestamp, String tape) implements AlpacaMessage {
    public static final String T = "c";

    public AlpacaCorrection {
        Objects.requireNonNull(symbol, "S");
        Objects.requireNonNull(exchange, "x");
        Objects.requireNonNull(originalPrice, "op");
        Objects.requireNonNull(correctedPrice, "cp");
        Objects.requireNonNull(timestamp, "t");
        originalConditions = originalConditions == null ? List.of() : List.copyOf(originalConditions);
        correctedConditions = correctedConditions == null ? List.of() : List.copyOf(correctedConditions);
    }

    @Override
    public String type() {
        return T;
    }
}

package dev.stockpipe.streams.corrections;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * A correction ({@code c}) or cancel ({@code x}) whose original trade has not been seen yet, kept with
 * the coordinates of its raw record so that an orphan reject can still point at it.
 *
 * @param type            {@code c} or {@code x}
 * @param raw             the raw message bytes (stored as base64 in the JSON store value)
 * @param recordTimestamp the raw record's timestamp
 * @param correctedKey    for a correction, the store key of the corrected trade (ci); null for a cancel
 */
public record PendingUpdate(
        @JsonProperty("type") String type,
        @JsonProperty("symbol") String symbol,
        @JsonProperty("raw") byte[] raw,
        @JsonProperty("topic") String topic,
        @JsonProperty("partition") int partition,
        @JsonProperty("offset") long offset,
        @JsonProperty("record_ts") long recordTimestamp,
        @JsonProperty("corrected_key") String correctedKey) {

    public PendingUpdate {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(raw, "raw");
    }

    public boolean isCancel() {
        return "x".equals(type);
    }
}

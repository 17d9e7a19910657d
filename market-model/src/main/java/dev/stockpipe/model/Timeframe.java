package dev.stockpipe.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;
import java.util.Optional;

/**
 * Bar timeframes. Stored bars are {@link #MIN_1} and {@link #DAY_1}; the others are rolled up from
 * minute bars by bars-query-service. Day boundaries are America/New_York midnights.
 */
public enum Timeframe {
    MIN_1("1Min", Duration.ofMinutes(1)),
    MIN_5("5Min", Duration.ofMinutes(5)),
    MIN_15("15Min", Duration.ofMinutes(15)),
    HOUR_1("1Hour", Duration.ofHours(1)),
    DAY_1("1Day", Duration.ofDays(1));

    private final String label;
    private final Duration length;

    Timeframe(String label, Duration length) {
        this.label = label;
        this.length = length;
    }

    @JsonValue
    public String label() {
        return label;
    }

    /** Nominal length; a New York day is 23, 24 or 25 hours. */
    public Duration length() {
        return length;
    }

    public static Optional<Timeframe> parse(String label) {
        for (Timeframe t : values()) {
            if (t.label.equals(label)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    @JsonCreator
    public static Timeframe fromLabel(String label) {
        return parse(label).orElseThrow(() ->
                new IllegalArgumentException("unknown timeframe '" + label + "' (1Min, 5Min, 15Min, 1Hour, 1Day)"));
    }
}

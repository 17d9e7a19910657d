package dev.stockpipe.connect;

import dev.stockpipe.model.MarketTime;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** Command-line instants: RFC 3339 ({@code 2024-03-01T14:30:00Z}, any offset) or {@code YYYY-MM-DD} (New York midnight). */
final class TimeArg {
    private TimeArg() {}

    static Instant parse(String name, String value) {
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(MarketTime.NEW_YORK).toInstant();
            }
            return java.time.OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + "=" + value + " is neither RFC 3339 nor YYYY-MM-DD");
        }
    }
}

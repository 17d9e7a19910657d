package dev.stockpipe.model;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/** Time rules of the US market: trading dates and day boundaries are America/New_York. */
public final class MarketTime {
    private MarketTime() {}

    public static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    /** Validation rejects event times before this (DESIGN.md). */
    public static final Instant EARLIEST = Instant.parse("1990-01-01T00:00:00Z");

    /** The New York date of an instant: the {@code trade_date} of a trade. */
    public static LocalDate tradeDate(Instant instant) {
        return instant.atZone(NEW_YORK).toLocalDate();
    }

    /** New York midnight starting the given date, as an instant (04:00Z in EDT, 05:00Z in EST). */
    public static Instant startOfDay(LocalDate date) {
        return date.atStartOfDay(NEW_YORK).toInstant();
    }

    /**
     * Parses RFC 3339 with 0 to 9 fractional digits, {@code Z} or an offset. Never a fixed pattern:
     * Alpaca drops trailing zeros ({@code ...44.208Z}, {@code ...19:15:00Z}).
     */
    public static Instant parseInstant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return OffsetDateTime.parse(text).toInstant();
        }
    }

    /** RFC 3339 in UTC with the fraction's trailing zeros dropped, as Alpaca writes it. */
    public static String formatInstant(Instant instant) {
        String s = instant.toString(); // ISO_INSTANT: fraction in groups of three digits, or none
        int dot = s.indexOf('.');
        if (dot < 0) {
            return s;
        }
        int end = s.length() - 1; // the 'Z'
        int last = end - 1;
        while (last > dot && s.charAt(last) == '0') {
            last--;
        }
        return last == dot ? s.substring(0, dot) + "Z" : s.substring(0, last + 1) + "Z";
    }
}

package dev.stockpipe.bars;

import dev.stockpipe.model.MarketTime;
import dev.stockpipe.model.Timeframe;
import dev.stockpipe.model.alpaca.AlpacaParser;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses and checks the API's parameters; every refusal is a {@link BadParameterException} naming the
 * parameter, with a detail a user can act on. Pure: no I/O, no clock.
 */
public final class QueryParams {
    public static final String SYMBOL = "symbol";
    public static final String TIMEFRAME = "timeframe";
    public static final String LIMIT = "limit";
    public static final String START = "start";
    public static final String END = "end";
    public static final int DEFAULT_LIMIT = 500;

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final int MAX_ECHO = 40;
    // PostgreSQL's timestamptz reaches further, but nothing outside these years is a market time.
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    private final int maxLimit;
    private final int maxRangeDays;

    public QueryParams(int maxLimit, int maxRangeDays) {
        this.maxLimit = maxLimit;
        this.maxRangeDays = maxRangeDays;
    }

    public int maxLimit() {
        return maxLimit;
    }

    /** Upper-cased first (aapl is AAPL), then held to the feed's symbol rule, which no SQL text passes. */
    public String symbol(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new BadParameterException(SYMBOL, "symbol is required");
        }
        String s = raw.toUpperCase(Locale.ROOT);
        if (!AlpacaParser.SYMBOL.matcher(s).matches()) {
            throw new BadParameterException(SYMBOL, "'" + echo(raw) + "' is not a symbol (letters and digits,"
                    + " at most 11, optional class suffix such as BRK.B)");
        }
        return s;
    }

    public Timeframe timeframe(String raw) {
        if (raw == null || raw.isEmpty()) {
            return Timeframe.MIN_1;
        }
        return Timeframe.parse(raw).orElseThrow(() -> new BadParameterException(TIMEFRAME,
                "'" + echo(raw) + "' is not a timeframe (1Min, 5Min, 15Min, 1Hour, 1Day)"));
    }

    public int limit(String raw) {
        if (raw == null || raw.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        long n;
        try {
            n = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new BadParameterException(LIMIT, "'" + echo(raw) + "' is not an integer");
        }
        if (n <= 0) {
            throw new BadParameterException(LIMIT, "limit must be at least 1, got " + n);
        }
        if (n > maxLimit) {
            throw new BadParameterException(LIMIT, "limit must be at most " + maxLimit + ", got " + n
                    + "; page with /range and a later start");
        }
        return (int) n;
    }

    /** RFC 3339 (any offset, 0-9 fractional digits) or YYYY-MM-DD meaning New York midnight. */
    public Instant instant(String name, String raw) {
        if (raw == null || raw.isBlank()) {
            throw new BadParameterException(name, name + " is required (RFC 3339 or YYYY-MM-DD)");
        }
        String s = raw.trim();
        try {
            Instant t = DATE.matcher(s).matches()
                    ? MarketTime.startOfDay(LocalDate.parse(s))
                    : MarketTime.parseInstant(s);
            if (t.isBefore(EARLIEST) || !t.isBefore(LATEST)) {
                throw new BadParameterException(name, "'" + echo(raw) + "' is outside years 1..9999");
            }
            return t;
        } catch (DateTimeException e) {
            throw new BadParameterException(name, "'" + echo(raw) + "' is not RFC 3339 (2026-03-09T14:30:00Z)"
                    + " or a date (2026-03-09, New York midnight)");
        }
    }

    /** Checks start ≤ end and the span; start == end is a valid, empty range. */
    public void range(Instant start, Instant end) {
        if (start.isAfter(end)) {
            throw new BadParameterException(START, "start " + MarketTime.formatInstant(start)
                    + " is after end " + MarketTime.formatInstant(end));
        }
        if (Duration.between(start, end).compareTo(Duration.ofDays(maxRangeDays)) > 0) {
            throw new BadParameterException(END, "range is wider than " + maxRangeDays + " days; split it");
        }
    }

    /** Echo user text back clipped and without control characters: a detail never carries a payload. */
    static String echo(String raw) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < raw.length() && b.length() < MAX_ECHO; i++) {
            char c = raw.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        if (raw.length() > MAX_ECHO) {
            b.append("...");
        }
        return b.toString();
    }
}

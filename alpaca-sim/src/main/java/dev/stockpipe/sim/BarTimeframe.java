package dev.stockpipe.sim;

import dev.stockpipe.model.MarketTime;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A REST {@code timeframe} (reference §7): {@code [1-59]Min|T}, {@code [1-23]Hour|H}, {@code 1Day|D},
 * {@code 1Week|W}, {@code [1,2,3,4,6,12]Month|M}. Minutes and hours are aligned on UTC (the same
 * boundaries as New York's for whole hours); days, weeks and months start at New York midnight.
 */
record BarTimeframe(int amount, Unit unit) {
    enum Unit { MINUTE, HOUR, DAY, WEEK, MONTH }

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,4})(Min|T|Hour|H|Day|D|Week|W|Month|M)");
    private static final Set<Integer> MONTHS = Set.of(1, 2, 3, 4, 6, 12);
    private static final long MINUTE = GroundTruth.MINUTE;

    /** Parses or throws {@link IllegalArgumentException} with Alpaca's message. */
    static BarTimeframe parse(String s) {
        Matcher m = FORMAT.matcher(s == null ? "" : s);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid timeframe");
        }
        int n = Integer.parseInt(m.group(1));
        String u = m.group(2);
        Unit unit = switch (u) {
            case "Min", "T" -> Unit.MINUTE;
            case "Hour", "H" -> Unit.HOUR;
            case "Day", "D" -> Unit.DAY;
            case "Week", "W" -> Unit.WEEK;
            default -> Unit.MONTH;
        };
        if (n < 1) {
            throw new IllegalArgumentException("invalid timeframe");
        }
        switch (unit) {
            case MINUTE -> check(n, 59);
            case HOUR -> check(n, 23);
            case DAY, WEEK -> check(n, 1);
            case MONTH -> {
                if (!MONTHS.contains(n)) {
                    throw new IllegalArgumentException("month timeframe period number must be one of 1, 2, 3, 4, 6 or 12");
                }
            }
        }
        return new BarTimeframe(n, unit);
    }

    private static void check(int n, int max) {
        if (n > max) {
            throw new IllegalArgumentException("timeframe period number is larger than the allowed maximum of " + max);
        }
    }

    /** The start (epoch nanos) of the bucket holding the minute starting at {@code minute}. */
    long bucketOf(long minute) {
        switch (unit) {
            case MINUTE:
                return Math.floorDiv(minute, amount * MINUTE) * amount * MINUTE;
            case HOUR:
                return Math.floorDiv(minute, amount * 60 * MINUTE) * amount * 60 * MINUTE;
            default:
                LocalDate d = MarketTime.tradeDate(GroundTruth.instant(minute));
                if (unit == Unit.WEEK) {
                    d = d.minusDays(d.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue());
                } else if (unit == Unit.MONTH) {
                    int idx = Math.floorDiv(d.getYear() * 12 + d.getMonthValue() - 1, amount) * amount;
                    d = LocalDate.of(Math.floorDiv(idx, 12), Math.floorMod(idx, 12) + 1, 1);
                }
                return GroundTruth.nanos(MarketTime.startOfDay(d));
        }
    }
}

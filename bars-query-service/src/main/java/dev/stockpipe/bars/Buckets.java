package dev.stockpipe.bars;

import dev.stockpipe.model.MarketTime;
import dev.stockpipe.model.Timeframe;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Bucket boundaries of each timeframe, in America/New_York. New York's UTC offset is always a whole number
 * of hours (-5 or -4 since long before 1990), so 5-, 15- and 60-minute buckets counted from a New York
 * midnight are exactly the UTC-aligned ones; computing them on the instant (SQL {@code date_bin}) keeps the
 * two 01:00 hours of a fall-back night apart, where truncating local time would merge them. Days are
 * New York calendar dates: 23, 24 or 25 hours long.
 */
public final class Buckets {
    private Buckets() {}

    /** The most minutes a bucket can hold: 1500 for a 25-hour fall-back day. */
    public static int maxMinutes(Timeframe tf) {
        return switch (tf) {
            case MIN_1 -> 1;
            case MIN_5 -> 5;
            case MIN_15 -> 15;
            case HOUR_1 -> 60;
            case DAY_1 -> 25 * 60;
        };
    }

    /** Start of the bucket holding {@code t}. */
    public static Instant floor(Instant t, Timeframe tf) {
        if (tf == Timeframe.DAY_1) {
            return MarketTime.startOfDay(MarketTime.tradeDate(t));
        }
        long seconds = tf.length().toSeconds();
        long epoch = t.getEpochSecond();
        return Instant.ofEpochSecond(Math.floorDiv(epoch, seconds) * seconds);
    }

    /** The first bucket start at or after {@code t}: a bucket belongs to [start, end) when its start does. */
    public static Instant ceil(Instant t, Timeframe tf) {
        Instant f = floor(t, tf);
        return f.equals(t) ? f : next(f, tf);
    }

    /** Start of the bucket after the one starting at {@code start}. */
    public static Instant next(Instant start, Timeframe tf) {
        if (tf == Timeframe.DAY_1) {
            LocalDate d = MarketTime.tradeDate(start);
            return MarketTime.startOfDay(d.plusDays(1));
        }
        return start.plus(tf.length());
    }
}

package dev.stockpipe.bars;

import dev.stockpipe.model.MarketTime;
import dev.stockpipe.model.Timeframe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code market_data_oltp.stock_bars_staging} with plain JDBC and prepared statements; every roll-up
 * is computed in SQL. Each statement is bounded: a roll-up reads at most {@code limit × minutes per bucket}
 * minute rows (the newest or oldest N buckets can hold no more), so neither a wide range nor a long history
 * makes a request scan a symbol's whole table.
 *
 * <p>Roll-up rule (5Min, 15Min, 1Hour from 1Min; 1Day from 1Min where no daily bar is stored): open = first
 * minute's open, close = last minute's close, high = max, low = min, volume and trade_count = sums (null
 * trade_counts are skipped), vwap = Σ(vwap·volume) / Σ(volume) over the minutes that have a vwap, rounded
 * half away from zero to the largest scale among those minute vwaps (a single-minute bucket keeps its vwap
 * exactly); null when no minute has a vwap or their volume is 0.
 */
@Singleton
public class BarRepository {
    private static final Logger log = LoggerFactory.getLogger(BarRepository.class);

    static final String TABLE = "market_data_oltp.stock_bars_staging";
    private static final String NY = "'America/New_York'";
    private static final String COLUMNS = "symbol, bar_ts, open, high, low, close, volume, trade_count, vwap";
    /** A New York midnight (EST) as the origin of intraday buckets; any whole UTC hour gives the same bins. */
    private static final String ORIGIN = "TIMESTAMPTZ '2000-01-03 05:00:00+00'";

    private final DataSource dataSource;
    private final int queryTimeoutSeconds;
    private final Counter dbErrors;
    private final AtomicLong lastErrorLog = new AtomicLong();

    public BarRepository(DataSource dataSource, QueryLimits limits, MeterRegistry meters) {
        this.dataSource = dataSource;
        this.queryTimeoutSeconds = limits.queryTimeoutSeconds();
        this.dbErrors = Counter.builder("bars.db.errors").description("queries PostgreSQL could not answer")
                .register(meters);
    }

    /** The newest {@code limit} bars of a symbol, oldest first. */
    public List<BarView> latest(String symbol, Timeframe tf, int limit) {
        List<BarView> bars;
        if (tf == Timeframe.MIN_1) {
            bars = query(LATEST_MINUTES, tf, symbol, limit);
        } else if (tf == Timeframe.DAY_1) {
            bars = query(LATEST_DAYS, tf, symbol, limit, symbol, limit * Buckets.maxMinutes(tf), limit);
        } else {
            bars = query(latestRollupSql(tf), tf, symbol, limit * Buckets.maxMinutes(tf), limit);
        }
        Collections.reverse(bars);
        return bars;
    }

    /**
     * Bars whose bucket starts in [start, end), oldest first, at most {@code limit}. Buckets are whole: a
     * 5Min request from 10:03 starts with the 10:05 bucket, never a partial 10:00 one.
     */
    public List<BarView> range(String symbol, Timeframe tf, Instant start, Instant end, int limit) {
        OffsetDateTime lo = utc(Buckets.ceil(start, tf));
        OffsetDateTime hi = utc(Buckets.ceil(end, tf));
        if (!lo.isBefore(hi)) {
            return new ArrayList<>();
        }
        if (tf == Timeframe.MIN_1) {
            return query(RANGE_MINUTES, tf, symbol, lo, hi, limit);
        }
        if (tf == Timeframe.DAY_1) {
            return query(RANGE_DAYS, tf, symbol, lo, hi, limit, symbol, lo, hi, limit * Buckets.maxMinutes(tf), limit);
        }
        return query(rangeRollupSql(tf), tf, symbol, lo, hi, limit * Buckets.maxMinutes(tf), limit);
    }

    /** The newest bar of every symbol, in one statement (a skip scan over the primary key, not one query per symbol). */
    public List<BarView> latestPerSymbol(Timeframe tf) {
        return query(latestPerSymbolSql(tf), tf);
    }

    /** What /health reports: PostgreSQL reachable and the table present. */
    public record Health(boolean up, String detail) {}

    public Health health() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setQueryTimeout(queryTimeoutSeconds);
            ps.setString(1, TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1)
                        ? new Health(true, "PostgreSQL reachable, " + TABLE + " present")
                        : new Health(false, "table " + TABLE + " is missing (connect-configs migrations not applied)");
            }
        } catch (SQLException e) {
            return new Health(false, "PostgreSQL unreachable: " + safeMessage(e));
        }
    }

    private List<BarView> query(String sql, Timeframe tf, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(queryTimeoutSeconds);
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<BarView> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row(rs, tf));
                }
                return out;
            }
        } catch (SQLException e) {
            dbErrors.increment();
            logThrottled(e);
            throw new DatabaseUnavailableException("PostgreSQL could not answer: " + safeMessage(e), e);
        }
    }

    private static BarView row(ResultSet rs, Timeframe tf) throws SQLException {
        long tradeCount = rs.getLong("trade_count");
        Long tc = rs.wasNull() ? null : tradeCount;
        Instant ts = rs.getObject("bar_ts", OffsetDateTime.class).toInstant();
        return new BarView(rs.getString("symbol"), tf.label(), MarketTime.formatInstant(ts),
                rs.getBigDecimal("open"), rs.getBigDecimal("high"), rs.getBigDecimal("low"),
                rs.getBigDecimal("close"), rs.getLong("volume"), tc, rs.getBigDecimal("vwap"));
    }

    private void logThrottled(SQLException e) {
        // One line per 10 s while PostgreSQL is down; bars.db.errors counts every failure.
        long now = System.nanoTime();
        long last = lastErrorLog.get();
        if (now - last > 10_000_000_000L && lastErrorLog.compareAndSet(last, now)) {
            log.warn("PostgreSQL query failed (state {}): {}", e.getSQLState(), safeMessage(e));
        }
    }

    /** The driver's message without the statement text: no SQL or parameters leak into logs or responses. */
    static String safeMessage(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }

    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    // ---- SQL ----------------------------------------------------------------------------------------

    /** Bucket start of a timestamptz expression. */
    static String bucket(Timeframe tf, String ts) {
        if (tf == Timeframe.DAY_1) {
            // New York midnight of the New York date; midnight is never skipped or repeated there.
            return "(date_trunc('day', " + ts + " AT TIME ZONE " + NY + ") AT TIME ZONE " + NY + ")";
        }
        return "date_bin(INTERVAL '" + tf.length().toMinutes() + " minutes', " + ts + ", " + ORIGIN + ")";
    }

    /** Minute rows with their bucket as column {@code b}. */
    private static String minutesWithBucket(Timeframe tf) {
        return "SELECT " + COLUMNS + ", " + bucket(tf, "bar_ts") + " AS b FROM " + TABLE;
    }

    /** The roll-up of minute rows (with bucket column b) from {@code source}. */
    static String rollup(String source) {
        return """
                SELECT symbol, b AS bar_ts,
                       (array_agg(open ORDER BY bar_ts))[1] AS open,
                       max(high) AS high,
                       min(low) AS low,
                       (array_agg(close ORDER BY bar_ts DESC))[1] AS close,
                       sum(volume)::bigint AS volume,
                       sum(trade_count)::bigint AS trade_count,
                       round(sum(vwap * volume) / NULLIF(sum(volume) FILTER (WHERE vwap IS NOT NULL), 0),
                             max(scale(vwap))) AS vwap
                FROM %s
                GROUP BY symbol, b""".formatted(source);
    }

    static final String LATEST_MINUTES = "SELECT " + COLUMNS + " FROM " + TABLE
            + " WHERE symbol = ? AND timeframe = '1Min' ORDER BY bar_ts DESC LIMIT ?";

    static final String RANGE_MINUTES = "SELECT " + COLUMNS + " FROM " + TABLE
            + " WHERE symbol = ? AND timeframe = '1Min' AND bar_ts >= ? AND bar_ts < ? ORDER BY bar_ts LIMIT ?";

    static String latestRollupSql(Timeframe tf) {
        return "WITH m AS (" + minutesWithBucket(tf)
                + " WHERE symbol = ? AND timeframe = '1Min' ORDER BY bar_ts DESC LIMIT ?)\n"
                + rollup("m") + "\nORDER BY b DESC LIMIT ?";
    }

    static String rangeRollupSql(Timeframe tf) {
        return "WITH m AS (" + minutesWithBucket(tf)
                + " WHERE symbol = ? AND timeframe = '1Min' AND bar_ts >= ? AND bar_ts < ? ORDER BY bar_ts LIMIT ?)\n"
                + rollup("m") + "\nORDER BY b LIMIT ?";
    }

    /** Stored daily bars win; a New York date with minute bars but no daily bar gets their roll-up. */
    private static final String DAILY_UNION = """
            r AS (%s)
            SELECT %s FROM (
                SELECT %s FROM d
                UNION ALL
                SELECT %s FROM r WHERE NOT EXISTS (
                    SELECT 1 FROM %s x
                    WHERE x.symbol = r.symbol AND x.timeframe = '1Day' AND x.bar_ts >= r.bar_ts
                      AND x.bar_ts < ((r.bar_ts AT TIME ZONE %s) + INTERVAL '1 day') AT TIME ZONE %s)
            ) u
            """.formatted(rollup("m"), COLUMNS, COLUMNS, COLUMNS, TABLE, NY, NY);

    static final String LATEST_DAYS = "WITH d AS (SELECT " + COLUMNS + " FROM " + TABLE
            + " WHERE symbol = ? AND timeframe = '1Day' ORDER BY bar_ts DESC LIMIT ?),\n"
            + "m AS (" + minutesWithBucket(Timeframe.DAY_1)
            + " WHERE symbol = ? AND timeframe = '1Min' ORDER BY bar_ts DESC LIMIT ?),\n"
            + DAILY_UNION + "ORDER BY bar_ts DESC LIMIT ?";

    static final String RANGE_DAYS = "WITH d AS (SELECT " + COLUMNS + " FROM " + TABLE
            + " WHERE symbol = ? AND timeframe = '1Day' AND bar_ts >= ? AND bar_ts < ? ORDER BY bar_ts LIMIT ?),\n"
            + "m AS (" + minutesWithBucket(Timeframe.DAY_1)
            + " WHERE symbol = ? AND timeframe = '1Min' AND bar_ts >= ? AND bar_ts < ? ORDER BY bar_ts LIMIT ?),\n"
            + DAILY_UNION + "ORDER BY bar_ts LIMIT ?";

    /** Distinct symbols by a recursive skip scan of the primary key: one index probe per symbol. */
    private static final String SYMBOLS = "WITH RECURSIVE s(symbol) AS (\n"
            + "  (SELECT symbol FROM " + TABLE + " ORDER BY symbol LIMIT 1)\n"
            + "  UNION ALL\n"
            + "  SELECT (SELECT t.symbol FROM " + TABLE + " t WHERE t.symbol > s.symbol ORDER BY t.symbol LIMIT 1)\n"
            + "  FROM s WHERE s.symbol IS NOT NULL)\n";

    static String latestPerSymbolSql(Timeframe tf) {
        String perSymbol;
        if (tf == Timeframe.MIN_1) {
            perSymbol = "SELECT " + COLUMNS + " FROM " + TABLE
                    + " WHERE symbol = s.symbol AND timeframe = '1Min' ORDER BY bar_ts DESC LIMIT 1";
        } else {
            String lastBucket = "(" + minutesWithBucket(tf) + " WHERE symbol = s.symbol AND timeframe = '1Min'"
                    + " AND bar_ts >= (SELECT " + bucket(tf, "max(bar_ts)") + " FROM " + TABLE
                    + " WHERE symbol = s.symbol AND timeframe = '1Min')) m";
            perSymbol = rollup(lastBucket);
            if (tf == Timeframe.DAY_1) {
                // The stored daily bar of the newest date wins over the roll-up of that date's minutes.
                perSymbol = "SELECT " + COLUMNS + " FROM (\n"
                        + "  (SELECT " + COLUMNS + ", 0 AS pref FROM " + TABLE
                        + " WHERE symbol = s.symbol AND timeframe = '1Day' ORDER BY bar_ts DESC LIMIT 1)\n"
                        + "  UNION ALL\n"
                        + "  (SELECT " + COLUMNS + ", 1 AS pref FROM (" + perSymbol + ") r)\n"
                        + ") c ORDER BY (c.bar_ts AT TIME ZONE " + NY + ")::date DESC, c.pref LIMIT 1";
            }
        }
        return SYMBOLS + "SELECT b.* FROM s CROSS JOIN LATERAL (" + perSymbol + ") b\n"
                + "WHERE s.symbol IS NOT NULL ORDER BY b.symbol";
    }
}

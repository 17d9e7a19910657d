package dev.stockpipe.bench;

import dev.stockpipe.localstack.EmbeddedPostgres;
import dev.stockpipe.localstack.ServiceProcess;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.HdrHistogram.Histogram;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow C: ≥ 1M minute bars COPYed into an embedded PostgreSQL with the connect-configs schema, the
 * bars-query-service as its own process, and open-model HTTP load on /bars/{symbol}, /bars/{symbol}/range and
 * /bars/latest, each next to the same statement over raw JDBC at the same rate (8 connections = the
 * service's pool) in the same run.
 */
final class BarsFlow {
    private static final Logger LOG = LoggerFactory.getLogger(BarsFlow.class);
    static final Instant FIRST_BAR = Instant.parse("2024-01-02T14:30:00Z");

    // The service's statements (bars-query-service BarRepository), copied so JDBC runs exactly what the service runs.
    private static final String TABLE = "market_data_oltp.stock_bars_staging";
    private static final String COLUMNS = "symbol, bar_ts, open, high, low, close, volume, trade_count, vwap";
    static final String LATEST_MINUTES = "SELECT " + COLUMNS + " FROM " + TABLE
            + " WHERE symbol = ? AND timeframe = '1Min' ORDER BY bar_ts DESC LIMIT ?";
    static final String RANGE_MINUTES = "SELECT " + COLUMNS + " FROM " + TABLE
            + " WHERE symbol = ? AND timeframe = '1Min' AND bar_ts >= ? AND bar_ts < ? ORDER BY bar_ts LIMIT ?";
    static final String LATEST_PER_SYMBOL = "WITH RECURSIVE s(symbol) AS (\n"
            + "  (SELECT symbol FROM " + TABLE + " ORDER BY symbol LIMIT 1)\n"
            + "  UNION ALL\n"
            + "  SELECT (SELECT t.symbol FROM " + TABLE + " t WHERE t.symbol > s.symbol ORDER BY t.symbol LIMIT 1)\n"
            + "  FROM s WHERE s.symbol IS NOT NULL)\n"
            + "SELECT b.* FROM s CROSS JOIN LATERAL (SELECT " + COLUMNS + " FROM " + TABLE
            + " WHERE symbol = s.symbol AND timeframe = '1Min' ORDER BY bar_ts DESC LIMIT 1) b\n"
            + "WHERE s.symbol IS NOT NULL ORDER BY b.symbol";

    private final BenchContext ctx;
    private final int rate;
    private final int seconds;
    private final int warmupSeconds;
    private final int symbols;
    private final int perSymbol;
    private final int limit;

    BarsFlow(BenchContext ctx, Integer rate, Integer seconds, Integer rows) {
        this.ctx = ctx;
        this.rate = rate != null ? rate : ctx.quick ? 200 : 2000;
        this.seconds = seconds != null ? seconds : ctx.quick ? 4 : 20;
        this.warmupSeconds = ctx.quick ? 3 : 10;
        this.symbols = 20;
        int total = rows != null ? rows : ctx.quick ? 200_000 : 1_000_000;
        this.perSymbol = Math.max(1, total / symbols);
        this.limit = 500;
    }

    Section run() {
        Section s = new Section("bars", "bars: bars-query-service under open-model HTTP load vs raw JDBC");
        long t0 = System.nanoTime();
        s.parameters.put("rows (1Min bars)", (long) symbols * perSymbol);
        s.parameters.put("symbols", symbols);
        s.parameters.put("rate per endpoint (req/s)", rate);
        s.parameters.put("measured seconds per endpoint and client", seconds);
        s.parameters.put("warm-up seconds per endpoint", warmupSeconds);
        s.parameters.put("limit", limit);
        s.parameters.put("range width", "1 trading day (390 minutes)");
        s.parameters.put("service heap", "-Xmx256m -XX:+UseSerialGC");
        s.parameters.put("JDBC reference", "8 connections (the service's pool), same statements, same rate, same run");
        try {
            measure(s);
        } catch (Exception e) {
            LOG.error("bars benchmark failed", e);
            s.fail("bars", e);
        } finally {
            ctx.closeOwned();
            s.seconds = (System.nanoTime() - t0) / 1e9;
        }
        return s;
    }

    private void measure(Section s) throws Exception {
        EmbeddedPostgres pg = ctx.own(EmbeddedPostgres.start(ctx.workDir.resolve("bars-pg"), 0));
        String url = pg.jdbcUrl();
        Path migrations = ctx.root.resolve("connect-configs/src/main/resources/db/migration");
        if (!Files.isDirectory(migrations)) {
            throw new BenchException("no Flyway migrations at " + migrations);
        }
        Flyway.configure().dataSource(url, pg.user(), pg.password()).locations("filesystem:" + migrations).load().migrate();

        long rows = (long) symbols * perSymbol;
        double copySeconds = seed(url, pg);
        s.figures.add(Figure.info("COPY seed of " + rows + " bars", rows / copySeconds, "rows/s"));
        LOG.info("seeded {} minute bars by COPY in {} s", rows, Report.num(copySeconds));

        int port = BenchContext.freePort();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BIND_HOST", "127.0.0.1");
        env.put("BARS_PORT", Integer.toString(port));
        env.put("POSTGRES_HOST", "127.0.0.1");
        env.put("POSTGRES_PORT", Integer.toString(pg.port()));
        env.put("POSTGRES_DB", pg.database());
        env.put("POSTGRES_USER", pg.user());
        env.put("POSTGRES_PASSWORD", pg.password());
        ServiceProcess svc = ctx.startModule("bars-query-service", "bars-query-service", "dev.stockpipe.bars.Application",
                "256m", env, List.of());
        String base = "http://127.0.0.1:" + port;
        ctx.awaitHttpOk(svc, base + "/health", Duration.ofSeconds(90));

        ExecutorService httpPool = ctx.own(new ClosingExecutor(Executors.newFixedThreadPool(2))).executor;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(httpPool)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Jdbc jdbc = ctx.own(new Jdbc(url, pg.user(), pg.password(), 8));

        List<Endpoint> endpoints = List.of(
                new Endpoint("/bars/{symbol}", i -> base + "/bars/S" + (1 + i % symbols) + "?limit=" + limit,
                        LATEST_MINUTES, i -> new Object[] {"S" + (1 + i % symbols), limit}),
                new Endpoint("/bars/{symbol}/range", i -> {
                    Instant[] r = range(i);
                    return base + "/bars/S" + (1 + i % symbols) + "/range?start=" + r[0] + "&end=" + r[1] + "&limit=" + limit;
                }, RANGE_MINUTES, i -> {
                    Instant[] r = range(i);
                    return new Object[] {"S" + (1 + i % symbols), OffsetDateTime.ofInstant(r[0], ZoneOffset.UTC),
                            OffsetDateTime.ofInstant(r[1], ZoneOffset.UTC), limit};
                }),
                new Endpoint("/bars/latest", i -> base + "/bars/latest", LATEST_PER_SYMBOL, i -> new Object[0]));

        Map<String, Histogram> curves = new LinkedHashMap<>();
        Map<String, List<double[]>> throughput = new LinkedHashMap<>();
        for (Endpoint e : endpoints) {
            // Warm-up: JIT, pool, PostgreSQL caches and plans; discarded.
            OpenLoad.run("warm-up " + e.name, Math.max(10, rate / 2), Duration.ofSeconds(warmupSeconds), httpOp(http, e), Duration.ofSeconds(30));
            OpenLoad.run("warm-up jdbc " + e.name, Math.max(10, rate / 2), Duration.ofSeconds(Math.max(1, warmupSeconds / 2)),
                    jdbc.op(e.sql, e.params), Duration.ofSeconds(30));

            ProcessSampler sampler = new ProcessSampler("HTTP " + e.name)
                    .track("bars-query-service", svc.pid(), true, base + "/metrics")
                    .track("postgresql", pg.pid(), false, null)
                    .track("bench (load generator)", ProcessHandle.current().pid(), false, null).start();
            OpenLoad.Result h = OpenLoad.run("HTTP " + e.name, rate, Duration.ofSeconds(seconds), httpOp(http, e), Duration.ofSeconds(60));
            s.processes.addAll(sampler.stop());
            sampler.close();
            ProcessSampler jsampler = new ProcessSampler("JDBC " + e.name)
                    .track("postgresql", pg.pid(), false, null)
                    .track("bench (load generator)", ProcessHandle.current().pid(), false, null).start();
            OpenLoad.Result j = OpenLoad.run("JDBC " + e.name, rate, Duration.ofSeconds(seconds), jdbc.op(e.sql, e.params), Duration.ofSeconds(60));
            s.processes.addAll(jsampler.stop());
            jsampler.close();

            LatencySummary hs = LatencySummary.of(h.histogram());
            LatencySummary js = LatencySummary.of(j.histogram());
            LOG.info("HTTP {} at {}/s: {} errors {}", e.name, rate, hs.line(), h.errors());
            LOG.info("JDBC {} at {}/s: {} errors {}", e.name, rate, js.line(), j.errors());
            s.latencies.put("HTTP " + e.name, hs);
            s.latencies.put("JDBC " + e.name, js);
            curves.put("HTTP " + e.name, h.histogram());
            curves.put("JDBC " + e.name, j.histogram());
            throughput.put("HTTP " + e.name, h.completionsPerSecond());
            s.figures.add(Figure.atMost(e.name + " p99 at " + rate + " req/s", hs.p99(), "ms", 5.0));
            s.figures.add(Figure.atMost(e.name + " p99 / JDBC p99", hs.p99() / js.p99(), "×", 2.0));
            s.figures.add(Figure.info(e.name + " p50 (JDBC p50 " + Report.num(js.p50()) + " ms)", hs.p50(), "ms"));
            s.figures.add(Figure.atMost(e.name + " errors + unfinished + shed (of " + h.sent() + ")",
                    h.errors() + h.unfinished() + h.shed(), "requests", 0));
            for (OpenLoad.Result r : List.of(h, j)) {
                if (r.shed() > 0) {
                    s.notes.add(r.label() + ": " + r.shed() + " of " + r.sent() + " requests were not sent because " + OpenLoad.MAX_IN_FLIGHT
                            + " were already outstanding (it could not keep up with " + rate + " req/s here); the percentiles"
                            + " cover only the requests sent, so they flatter it.");
                }
            }
            s.figures.add(Figure.info(e.name + " achieved rate", h.ok() / (double) seconds, "req/s"));
        }
        double heap = s.processes.stream().filter(p -> p.name().equals("bars-query-service"))
                .mapToDouble(ProcStats::heapPeakMb).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
        s.figures.add(Figure.atMost("bars-query-service heap peak", heap, "MB", 256));

        Plots.latencyPercentiles(ctx.outDir.resolve("bars-latency.png"), "bars: latency by percentile at " + rate
                + " req/s (open model)", curves);
        Plots.overTime(ctx.outDir.resolve("bars-throughput.png"), "bars: HTTP responses per second", "responses/s", throughput);
        s.plots.add("bars-latency.png");
        s.plots.add("bars-throughput.png");
        s.notes.add("Open model: requests are due on a fixed schedule and latency counts from the due time, so a stall"
                + " in the service shows as latency (coordinated omission avoided). Load generator = this bench JVM"
                + " (JDK HttpClient, async), a process separate from the service.");
        s.notes.add("JDBC rows: the service's own SQL (copied from BarRepository) run by 8 threads with one connection"
                + " each, reading every row, at the same rate in the same run: the floor the HTTP figures are compared to.");
        if (ctx.quick) {
            s.notes.add("--quick: " + (long) symbols * perSymbol + " rows and " + rate + " req/s; the goals are for ≥ 1M rows at 2,000 req/s.");
        }
    }

    /** A one-trading-day window somewhere in the symbol's history. */
    private Instant[] range(long i) {
        long day = Math.max(1, perSymbol / 390 - 1);
        long d = (i * 7919) % day;
        Instant start = FIRST_BAR.plusSeconds(d * 390 * 60);
        return new Instant[] {start, start.plusSeconds(390 * 60)};
    }

    /** COPY the bars in chunks (text format) and VACUUM ANALYZE; returns the COPY seconds. */
    private double seed(String url, EmbeddedPostgres pg) throws SQLException, IOException {
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password())) {
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            String sql = "COPY " + TABLE + " (symbol, timeframe, bar_ts, open, high, low, close, volume, trade_count, vwap, source)"
                    + " FROM STDIN";
            StringBuilder sb = new StringBuilder(8 << 20);
            int inChunk = 0;
            for (int sym = 1; sym <= symbols; sym++) {
                BigDecimal px = BigDecimal.valueOf(10_000 + sym * 500L, 2);
                for (int m = 0; m < perSymbol; m++) {
                    int k = m % 97;
                    sb.append('S').append(sym).append("\t1Min\t").append(FIRST_BAR.plusSeconds(60L * m)).append('\t')
                            .append(px.add(BigDecimal.valueOf(k, 2))).append('\t')
                            .append(px.add(BigDecimal.valueOf(k + 25, 2))).append('\t')
                            .append(px.add(BigDecimal.valueOf(k - 25, 2))).append('\t')
                            .append(px.add(BigDecimal.valueOf(k + 5, 2))).append('\t')
                            .append(100 + m % 1000).append('\t').append(10 + m % 50).append('\t')
                            .append(px.add(BigDecimal.valueOf(k * 10_000L + 1234, 6))).append("\tstream\n");
                    if (++inChunk == 100_000) {
                        copy.copyIn(sql, new StringReader(sb.toString()));
                        sb.setLength(0);
                        inChunk = 0;
                    }
                }
            }
            if (inChunk > 0) {
                copy.copyIn(sql, new StringReader(sb.toString()));
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password()); Statement st = c.createStatement()) {
            st.execute("VACUUM ANALYZE " + TABLE);
        }
        return seconds;
    }

    private static OpenLoad.Op httpOp(HttpClient http, Endpoint e) {
        return i -> http.sendAsync(HttpRequest.newBuilder(URI.create(e.url.apply(i))).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> r.statusCode() == 200 && r.body().length > 2);
    }

    private record Endpoint(String name, java.util.function.LongFunction<String> url, String sql,
                            java.util.function.LongFunction<Object[]> params) {}

    /** Raw JDBC at a fixed rate: N worker threads, one connection and prepared statement each. */
    static final class Jdbc implements AutoCloseable {
        private final ExecutorService pool;
        private final List<Connection> connections = new ArrayList<>();
        private final ThreadLocal<Connection> conn;

        Jdbc(String url, String user, String password, int n) {
            this.pool = Executors.newFixedThreadPool(n, r -> {
                Thread t = new Thread(r, "jdbc-load");
                t.setDaemon(true);
                return t;
            });
            this.conn = ThreadLocal.withInitial(() -> {
                try {
                    Connection c = DriverManager.getConnection(url, user, password);
                    synchronized (connections) {
                        connections.add(c);
                    }
                    return c;
                } catch (SQLException e) {
                    throw new BenchException("JDBC connect failed: " + e.getMessage(), e);
                }
            });
        }

        OpenLoad.Op op(String sql, java.util.function.LongFunction<Object[]> params) {
            return i -> CompletableFuture.supplyAsync(() -> {
                try (PreparedStatement ps = conn.get().prepareStatement(sql)) {
                    Object[] p = params.apply(i);
                    for (int k = 0; k < p.length; k++) {
                        ps.setObject(k + 1, p[k]);
                    }
                    int n = 0;
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            // Read what the service reads, so the comparison is fair.
                            rs.getString(1);
                            rs.getObject(2, OffsetDateTime.class);
                            rs.getBigDecimal(3);
                            rs.getBigDecimal(4);
                            rs.getBigDecimal(5);
                            rs.getBigDecimal(6);
                            rs.getLong(7);
                            rs.getLong(8);
                            rs.getBigDecimal(9);
                            n++;
                        }
                    }
                    return n > 0;
                } catch (SQLException e) {
                    return false;
                }
            }, pool);
        }

        @Override
        public void close() {
            pool.shutdownNow();
            synchronized (connections) {
                for (Connection c : connections) {
                    try {
                        c.close();
                    } catch (SQLException e) {
                        // closing anyway
                    }
                }
            }
        }
    }

    /** An executor as an owned resource. */
    static final class ClosingExecutor implements AutoCloseable {
        final ExecutorService executor;

        ClosingExecutor(ExecutorService executor) {
            this.executor = executor;
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }
}

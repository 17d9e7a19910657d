package dev.stockpipe.bars;

import dev.stockpipe.localstack.EmbeddedPostgres;
import dev.stockpipe.testsupport.TestNames;
import dev.stockpipe.testsupport.TestServices;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.flywaydb.core.Flyway;

/**
 * Open-model load on the bars API next to the same statement over raw JDBC, in one run. Not a test (no *Test or
 * *IT suffix): run it by hand, see the README. Requests start on a fixed schedule whether or not earlier ones
 * finished, and latency counts from the scheduled start, so a stall shows up instead of hiding
 * (coordinated omission).
 *
 * <p>Args: rate (req/s, default 2000), seconds per measurement (default 20), symbols (default 20),
 * minutes per symbol (default 50000: 1M rows), limit (default 500).
 */
public final class BarsBench {
    private BarsBench() {}

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int symbols = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int perSymbol = args.length > 3 ? Integer.parseInt(args[3]) : 50_000;
        int limit = args.length > 4 ? Integer.parseInt(args[4]) : 500;

        EmbeddedPostgres pg = TestServices.postgres();
        String url = pg.createDatabase(TestNames.unique("bars_bench"));
        Flyway.configure().dataSource(url, pg.user(), pg.password())
                .locations("filesystem:" + System.getProperty("bars.migrations.dir",
                        "../connect-configs/src/main/resources/db/migration")).load().migrate();
        long t0 = System.nanoTime();
        try (Connection c = java.sql.DriverManager.getConnection(url, pg.user(), pg.password());
             Statement st = c.createStatement()) {
            st.execute("INSERT INTO market_data_oltp.stock_bars_staging"
                    + " (symbol, timeframe, bar_ts, open, high, low, close, volume, trade_count, vwap, source)"
                    + " SELECT 'S' || s, '1Min', TIMESTAMPTZ '2024-01-02 14:30:00+00' + i * INTERVAL '1 minute',"
                    + " 100.25 + (i % 97) * 0.01, 100.50 + (i % 97) * 0.01, 100.00 + (i % 97) * 0.01,"
                    + " 100.30 + (i % 97) * 0.01, 100 + i % 1000, 10 + i % 50, 100.271234 + (i % 97) * 0.01, 'stream'"
                    + " FROM generate_series(1, " + symbols + ") s, generate_series(0, " + (perSymbol - 1) + ") i");
            st.execute("VACUUM ANALYZE market_data_oltp.stock_bars_staging");
        }
        System.out.printf("seeded %,d minute bars (%d symbols) in %.1f s%n", (long) symbols * perSymbol, symbols,
                (System.nanoTime() - t0) / 1e9);

        Map<String, Object> props = new HashMap<>();
        props.put("micronaut.server.port", -1);
        props.put("datasources.default.url", url);
        props.put("datasources.default.username", pg.user());
        props.put("datasources.default.password", pg.password());
        try (ApplicationContext ctx = ApplicationContext.run(EmbeddedServer.class, props).getApplicationContext()) {
            int port = ctx.getBean(EmbeddedServer.class).getPort();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .executor(Executors.newFixedThreadPool(4)).build();
            String base = "http://127.0.0.1:" + port;
            AtomicLong n = new AtomicLong();
            Supplier<URI> bySymbol = () -> URI.create(base + "/bars/S" + (1 + n.getAndIncrement() % symbols) + "?limit=" + limit);
            Supplier<URI> latest = () -> URI.create(base + "/bars/latest");

            explain(url, pg);
            // Warm-up: JIT, pool, PostgreSQL caches and prepared statements.
            runHttp(http, bySymbol, rate / 2, 10);
            runHttp(http, latest, rate / 4, 5);

            List<String> report = new ArrayList<>();
            report.add(line("HTTP /bars/{symbol}?limit=" + limit, rate, runHttp(http, bySymbol, rate, seconds)));
            report.add(line("JDBC same statement", rate, runJdbc(url, pg, BarRepository.LATEST_MINUTES,
                    i -> new Object[] {"S" + (1 + i % symbols), limit}, rate, seconds)));
            report.add(line("HTTP /bars/latest", rate, runHttp(http, latest, rate, seconds)));
            report.add(line("JDBC same statement", rate, runJdbc(url, pg,
                    BarRepository.latestPerSymbolSql(dev.stockpipe.model.Timeframe.MIN_1), i -> new Object[0], rate, seconds)));
            Runtime rt = Runtime.getRuntime();
            System.out.println();
            System.out.printf("rows=%,d rate=%d/s seconds=%d maxHeap=%d MB%n", (long) symbols * perSymbol, rate, seconds,
                    rt.maxMemory() >> 20);
            report.forEach(System.out::println);
        } finally {
            TestServices.closeAll();
        }
        System.exit(0); // the HTTP client's executor threads would keep the JVM alive
    }

    private static String line(String what, int rate, Result r) {
        Histogram h = r.histogram;
        return String.format("%-34s target %5d/s  done %6d  errors %4d  p50 %7.2f ms  p99 %7.2f ms  p99.9 %7.2f ms  max %7.2f ms",
                what, rate, h.getTotalCount(), r.errors, h.getValueAtPercentile(50) / 1e6,
                h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6);
    }

    record Result(Histogram histogram, long errors) {}

    private static Result runHttp(HttpClient http, Supplier<URI> uris, int rate, int seconds) throws InterruptedException {
        Recorder recorder = new Recorder(3);
        AtomicLong errors = new AtomicLong();
        long total = (long) rate * seconds;
        CountDownLatch done = new CountDownLatch((int) total);
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        for (long i = 0; i < total; i++) {
            long intended = start + i * interval;
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            HttpRequest req = HttpRequest.newBuilder(uris.get()).timeout(Duration.ofSeconds(30)).GET().build();
            http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((resp, err) -> {
                if (err != null || resp.statusCode() != 200) {
                    errors.incrementAndGet();
                }
                recorder.recordValue(Math.max(0, System.nanoTime() - intended));
                done.countDown();
            });
        }
        done.await(120, TimeUnit.SECONDS);
        return new Result(recorder.getIntervalHistogram(), errors.get());
    }

    interface Params {
        Object[] of(long i);
    }

    private static Result runJdbc(String url, EmbeddedPostgres pg, String sql, Params params, int rate, int seconds)
            throws Exception {
        int workers = 8; // the service's pool size
        Recorder recorder = new Recorder(3);
        AtomicLong errors = new AtomicLong();
        long total = (long) rate * seconds;
        BlockingQueue<long[]> queue = new ArrayBlockingQueue<>((int) Math.min(total, 1_000_000));
        CountDownLatch done = new CountDownLatch((int) total);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        for (int w = 0; w < workers; w++) {
            pool.submit(() -> {
                try (Connection c = java.sql.DriverManager.getConnection(url, pg.user(), pg.password());
                     PreparedStatement ps = c.prepareStatement(sql)) {
                    while (true) {
                        long[] job = queue.take();
                        if (job[0] < 0) {
                            return null;
                        }
                        try {
                            Object[] p = params.of(job[1]);
                            for (int k = 0; k < p.length; k++) {
                                ps.setObject(k + 1, p[k]);
                            }
                            try (ResultSet rs = ps.executeQuery()) {
                                while (rs.next()) {
                                    rs.getBigDecimal("open");
                                }
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                        recorder.recordValue(Math.max(0, System.nanoTime() - job[0]));
                        done.countDown();
                    }
                }
            });
        }
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        for (long i = 0; i < total; i++) {
            long intended = start + i * interval;
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            queue.put(new long[] {intended, i});
        }
        done.await(120, TimeUnit.SECONDS);
        for (int w = 0; w < workers; w++) {
            queue.put(new long[] {-1, 0});
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        return new Result(recorder.getIntervalHistogram(), errors.get());
    }

    private static void explain(String url, EmbeddedPostgres pg) throws Exception {
        try (Connection c = java.sql.DriverManager.getConnection(url, pg.user(), pg.password())) {
            for (String[] q : new String[][] {
                    {BarRepository.LATEST_MINUTES, "S1", "500"},
                    {BarRepository.latestPerSymbolSql(dev.stockpipe.model.Timeframe.MIN_1)},
                    {BarRepository.latestRollupSql(dev.stockpipe.model.Timeframe.HOUR_1), "S1", "30000", "500"}}) {
                try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS OFF) " + q[0])) {
                    for (int k = 1; k < q.length; k++) {
                        ps.setObject(k, q[k].startsWith("S") ? q[k] : (Object) Integer.valueOf(q[k]));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        System.out.println("---");
                        while (rs.next()) {
                            System.out.println(rs.getString(1));
                        }
                    }
                }
            }
        }
    }
}

package dev.stockpipe.bars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.localstack.EmbeddedPostgres;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.MarketTime;
import dev.stockpipe.model.Timeframe;
import dev.stockpipe.testsupport.TestNames;
import dev.stockpipe.testsupport.TestServices;
import dev.stockpipe.testsupport.TestStackExtension;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The API against a real PostgreSQL with connect-configs' schema and seeded bars. Expected bars come from an
 * independent Java roll-up of the seeded rows (java.time New York buckets, BigDecimal sums), so every
 * endpoint × timeframe is checked against the rules, including the DST weeks of March and November 2026.
 */
@ExtendWith(TestStackExtension.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BarsApiIT {
    private static final String ORIGIN = "http://localhost:5000";
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    /** Everything seeded, as the service should read it back. */
    private static final List<Row> ROWS = new ArrayList<>();

    private static EmbeddedPostgres pg;
    private static String jdbcUrl;
    private static EmbeddedServer server;

    record Row(String symbol, Timeframe tf, Instant ts, BigDecimal open, BigDecimal high, BigDecimal low,
               BigDecimal close, long volume, Long tradeCount, BigDecimal vwap) {}

    @BeforeAll
    static void start() throws SQLException {
        pg = TestServices.postgres();
        jdbcUrl = pg.createDatabase(TestNames.unique("bars_api"));
        Flyway.configure().dataSource(jdbcUrl, pg.user(), pg.password())
                .locations("filesystem:" + System.getProperty("bars.migrations.dir",
                        "../connect-configs/src/main/resources/db/migration"))
                .load().migrate();
        seed();
        writeRows();
        server = startServer(jdbcUrl, Map.of());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.getApplicationContext().close();
        }
    }

    static EmbeddedServer startServer(String url, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put("micronaut.server.port", -1);
        props.put("micronaut.server.host", "127.0.0.1");
        props.put("datasources.default.url", url);
        props.put("datasources.default.username", pg.user());
        props.put("datasources.default.password", pg.password());
        props.put("datasources.default.maximum-pool-size", 4);
        props.put("datasources.default.minimum-idle", 1);
        props.put("micronaut.server.cors.configurations.web.allowed-origins", List.of(ORIGIN));
        props.putAll(extra);
        return ApplicationContext.run(EmbeddedServer.class, props);
    }

    // ---- seed -------------------------------------------------------------------------------------

    private static void seed() {
        // AAPL: the first hour of Fri 2026-03-06 (EST) and Mon 2026-03-09 (EDT), the week DST starts;
        // a stored daily bar for Mar 6 only, so Mar 9 falls back to the minute roll-up.
        minutes("AAPL", Instant.parse("2026-03-06T14:30:00Z"), 60, 0);
        minutes("AAPL", Instant.parse("2026-03-09T13:30:00Z"), 60, 60);
        daily("AAPL", Instant.parse("2026-03-06T05:00:00Z"), "99.5000", "101.2500", "98.7500", "100.5000", 123_456, 789L, "100.123456");
        // DSTS: the spring-forward night (01:30 EST, 03:30 EDT) and the 23-hour Sunday.
        minutes("DSTS", Instant.parse("2026-03-08T06:30:00Z"), 3, 7);
        minutes("DSTS", Instant.parse("2026-03-08T07:30:00Z"), 3, 11);
        // DSTF: both 01:30s of the fall-back night, 23:30 EST (still Nov 1), and Nov 2 00:00 EST.
        minutes("DSTF", Instant.parse("2026-11-01T05:30:00Z"), 2, 3);
        minutes("DSTF", Instant.parse("2026-11-01T06:30:00Z"), 2, 5);
        minutes("DSTF", Instant.parse("2026-11-02T04:30:00Z"), 1, 9);
        minutes("DSTF", Instant.parse("2026-11-02T05:00:00Z"), 1, 13);
        // MSFT: a stored daily bar for the newest date wins over that date's minutes.
        minutes("MSFT", Instant.parse("2026-03-09T14:00:00Z"), 10, 21);
        daily("MSFT", Instant.parse("2026-03-09T04:00:00Z"), "401.10", "405.00", "399.00", "404.00", 9_999, 88L, "402.5");
        // VWAP: two minutes in one 5Min bucket, vwap (10.01×100 + 10.02×300)/400 = 10.0175 → 10.02.
        insert(new Row("VWAP", Timeframe.MIN_1, Instant.parse("2026-03-09T14:00:00Z"), bd("10.00"), bd("10.05"), bd("9.99"), bd("10.01"), 100, 3L, bd("10.01")));
        insert(new Row("VWAP", Timeframe.MIN_1, Instant.parse("2026-03-09T14:01:00Z"), bd("10.01"), bd("10.04"), bd("10.00"), bd("10.03"), 300, null, bd("10.02")));
        // ONLYD: daily bars only.
        daily("ONLYD", Instant.parse("2026-03-05T05:00:00Z"), "5", "6", "4", "5.5", 10, null, null);
        // BIG: 600 consecutive minutes, more than the default limit.
        minutes("BIG", Instant.parse("2026-03-10T13:30:00Z"), 600, 31);
    }

    private static BigDecimal bd(String s) {
        return new BigDecimal(s);
    }

    private static void minutes(String symbol, Instant first, int count, int seed) {
        for (int i = 0; i < count; i++) {
            int k = i + seed;
            BigDecimal open = BigDecimal.valueOf(1_000_000 + k * 37L, 4);
            insert(new Row(symbol, Timeframe.MIN_1, first.plus(Duration.ofMinutes(i)), open,
                    open.add(bd("0.0500")), open.subtract(bd("0.0450")), open.add(bd("0.0125")),
                    100 + (k * 13L) % 50, k % 11 == 5 ? null : (long) (10 + k),
                    k % 17 == 3 ? null : open.add(bd("0.001234"))));
        }
    }

    private static void daily(String symbol, Instant ts, String o, String h, String l, String c, long v, Long n, String vwap) {
        insert(new Row(symbol, Timeframe.DAY_1, ts, bd(o), bd(h), bd(l), bd(c), v, n, vwap == null ? null : bd(vwap)));
    }

    private static void insert(Row r) {
        ROWS.add(r);
    }

    private static void writeRows() throws SQLException {
        try (Connection c = pg.dataSource(dbName()).getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO market_data_oltp.stock_bars_staging"
                     + " (symbol, timeframe, bar_ts, open, high, low, close, volume, trade_count, vwap, source)"
                     + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'stream')")) {
            for (Row r : ROWS) {
                ps.setString(1, r.symbol());
                ps.setString(2, r.tf().label());
                ps.setTimestamp(3, Timestamp.from(r.ts()));
                ps.setBigDecimal(4, r.open());
                ps.setBigDecimal(5, r.high());
                ps.setBigDecimal(6, r.low());
                ps.setBigDecimal(7, r.close());
                ps.setLong(8, r.volume());
                ps.setObject(9, r.tradeCount());
                ps.setBigDecimal(10, r.vwap());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static String dbName() {
        return jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1);
    }

    // ---- the reference roll-up ---------------------------------------------------------------------

    /** Bucket start by java.time in New York (ZonedDateTime keeps the offset of an ambiguous hour). */
    private static Instant referenceBucket(Instant ts, Timeframe tf) {
        ZonedDateTime z = ts.atZone(MarketTime.NEW_YORK);
        return switch (tf) {
            case MIN_1 -> ts;
            case MIN_5 -> z.truncatedTo(ChronoUnit.MINUTES).withMinute(z.getMinute() / 5 * 5).toInstant();
            case MIN_15 -> z.truncatedTo(ChronoUnit.MINUTES).withMinute(z.getMinute() / 15 * 15).toInstant();
            case HOUR_1 -> z.truncatedTo(ChronoUnit.HOURS).toInstant();
            case DAY_1 -> z.toLocalDate().atStartOfDay(MarketTime.NEW_YORK).toInstant();
        };
    }

    private static BarView view(Row r, Timeframe tf) {
        return new BarView(r.symbol(), tf.label(), MarketTime.formatInstant(r.ts()), r.open(), r.high(), r.low(),
                r.close(), r.volume(), r.tradeCount(), r.vwap());
    }

    private static BarView rollup(String symbol, Timeframe tf, Instant bucket, List<Row> minutes) {
        minutes.sort(Comparator.comparing(Row::ts));
        BigDecimal high = minutes.stream().map(Row::high).max(Comparator.naturalOrder()).orElseThrow();
        BigDecimal low = minutes.stream().map(Row::low).min(Comparator.naturalOrder()).orElseThrow();
        long volume = minutes.stream().mapToLong(Row::volume).sum();
        List<Long> counts = minutes.stream().map(Row::tradeCount).filter(x -> x != null).toList();
        Long tradeCount = counts.isEmpty() ? null : counts.stream().mapToLong(Long::longValue).sum();
        List<Row> withVwap = minutes.stream().filter(r -> r.vwap() != null).toList();
        BigDecimal num = withVwap.stream().map(r -> r.vwap().multiply(BigDecimal.valueOf(r.volume())))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        long den = withVwap.stream().mapToLong(Row::volume).sum();
        int scale = withVwap.stream().mapToInt(r -> r.vwap().scale()).max().orElse(0);
        BigDecimal vwap = den == 0 ? null : num.divide(BigDecimal.valueOf(den), scale, RoundingMode.HALF_UP);
        return new BarView(symbol, tf.label(), MarketTime.formatInstant(bucket), minutes.get(0).open(), high, low,
                minutes.get(minutes.size() - 1).close(), volume, tradeCount, vwap);
    }

    /** Every bar of a symbol in a timeframe, ascending, by the documented rules. */
    private static List<BarView> series(String symbol, Timeframe tf) {
        List<Row> minutes = ROWS.stream().filter(r -> r.symbol().equals(symbol) && r.tf() == Timeframe.MIN_1).toList();
        if (tf == Timeframe.MIN_1) {
            return minutes.stream().sorted(Comparator.comparing(Row::ts)).map(r -> view(r, tf)).toList();
        }
        TreeMap<Instant, List<Row>> buckets = new TreeMap<>();
        for (Row r : minutes) {
            buckets.computeIfAbsent(referenceBucket(r.ts(), tf), k -> new ArrayList<>()).add(r);
        }
        TreeMap<Instant, BarView> out = new TreeMap<>();
        buckets.forEach((b, rows) -> out.put(b, rollup(symbol, tf, b, new ArrayList<>(rows))));
        if (tf == Timeframe.DAY_1) {
            for (Row d : ROWS) {
                if (d.symbol().equals(symbol) && d.tf() == Timeframe.DAY_1) {
                    out.remove(referenceBucket(d.ts(), tf));
                    out.put(d.ts(), view(d, tf));
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    private static List<BarView> tail(List<BarView> all, int n) {
        return all.subList(Math.max(0, all.size() - n), all.size());
    }

    private static List<BarView> between(List<BarView> all, Instant start, Instant end, int limit) {
        return all.stream().filter(b -> {
            Instant t = Instant.parse(b.timestamp());
            return !t.isBefore(start) && t.isBefore(end);
        }).limit(limit).toList();
    }

    private static List<String> symbolsWith(Timeframe tf) {
        return ROWS.stream().filter(r -> tf == Timeframe.DAY_1 || r.tf() == Timeframe.MIN_1).map(Row::symbol)
                .distinct().sorted().toList();
    }

    // ---- HTTP helpers ---------------------------------------------------------------------------------

    private static HttpResponse<String> get(EmbeddedServer s, String pathAndQuery, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.getPort() + pathAndQuery))
                    .timeout(Duration.ofSeconds(30)).GET();
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> get(String pathAndQuery, String... headers) {
        return get(server, pathAndQuery, headers);
    }

    private static List<BarView> bars(String pathAndQuery) throws IOException {
        HttpResponse<String> r = get(pathAndQuery);
        assertThat(r.statusCode()).as("%s -> %s", pathAndQuery, r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        return Json.MAPPER.readValue(r.body(), new TypeReference<List<BarView>>() {});
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ---- endpoints × timeframes -----------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Timeframe.class)
    void shouldServeTheNewestBarsAscendingInEveryTimeframe(Timeframe tf) throws IOException {
        for (String symbol : List.of("AAPL", "DSTS", "DSTF", "MSFT", "VWAP")) {
            assertThat(bars("/bars/" + symbol + "?timeframe=" + tf.label() + "&limit=7"))
                    .as("%s %s", symbol, tf).isEqualTo(tail(series(symbol, tf), 7));
        }
        assertThat(bars("/bars/AAPL?timeframe=" + tf.label())).isEqualTo(tail(series("AAPL", tf), 500));
    }

    @ParameterizedTest
    @EnumSource(Timeframe.class)
    void shouldServeARangeAcrossTheMarchDstChangeInEveryTimeframe(Timeframe tf) throws IOException {
        // Fri Mar 6 (EST) .. Tue Mar 10 (EDT), New York midnights.
        List<BarView> got = bars("/bars/AAPL/range?start=2026-03-06&end=2026-03-10&timeframe=" + tf.label());
        assertThat(got).isEqualTo(between(series("AAPL", tf), Instant.parse("2026-03-06T05:00:00Z"),
                Instant.parse("2026-03-10T04:00:00Z"), 500));
        assertThat(got).isNotEmpty();
        List<BarView> spring = bars("/bars/DSTS/range?start=2026-03-08&end=2026-03-09&timeframe=" + tf.label());
        assertThat(spring).isEqualTo(series("DSTS", tf));
    }

    @ParameterizedTest
    @EnumSource(Timeframe.class)
    void shouldServeARangeAcrossTheNovemberDstChangeInEveryTimeframe(Timeframe tf) throws IOException {
        List<BarView> got = bars("/bars/DSTF/range?start=2026-11-01&end=2026-11-03&timeframe=" + tf.label());
        assertThat(got).isEqualTo(series("DSTF", tf));
    }

    @Test
    void shouldKeepTheTwoFallBackHoursAsTwoBuckets() throws IOException {
        List<String> hours = bars("/bars/DSTF/range?start=2026-11-01&end=2026-11-03&timeframe=1Hour").stream()
                .map(BarView::timestamp).toList();
        assertThat(hours).containsExactly("2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z",
                "2026-11-02T04:00:00Z", "2026-11-02T05:00:00Z");
        List<BarView> days = bars("/bars/DSTF/range?start=2026-11-01&end=2026-11-03&timeframe=1Day");
        // Nov 1 is 25 hours long in New York: 23:30 EST (04:30Z on Nov 2) still belongs to it.
        assertThat(days).extracting(BarView::timestamp).containsExactly("2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z");
        assertThat(days.get(0).volume()).isEqualTo(ROWS.stream().filter(r -> r.symbol().equals("DSTF")
                && r.ts().isBefore(Instant.parse("2026-11-02T05:00:00Z"))).mapToLong(Row::volume).sum());
    }

    @Test
    void shouldPreferStoredDailyBarsAndRollUpDatesWithoutOne() throws IOException {
        List<BarView> days = bars("/bars/AAPL/range?start=2026-03-01&end=2026-03-31&timeframe=1Day");
        assertThat(days).extracting(BarView::timestamp).containsExactly("2026-03-06T05:00:00Z", "2026-03-09T04:00:00Z");
        assertThat(days.get(0).volume()).isEqualTo(123_456); // the stored bar, not the roll-up
        assertThat(days.get(0).open()).isEqualTo(bd("99.5000"));
        assertThat(days.get(1).volume()).isEqualTo(ROWS.stream().filter(r -> r.symbol().equals("AAPL")
                && r.tf() == Timeframe.MIN_1 && r.ts().isAfter(Instant.parse("2026-03-09T00:00:00Z"))).mapToLong(Row::volume).sum());
    }

    @Test
    void shouldRoundRolledUpVwapToTheMinuteScaleAndKeepDecimalsAsStored() throws IOException {
        HttpResponse<String> r = get("/bars/VWAP?timeframe=5Min");
        assertThat(r.body()).contains("\"vwap\":10.02").contains("\"open\":10.00").contains("\"trade_count\":3")
                .doesNotContain("E+").doesNotContain("E-");
        HttpResponse<String> minutes = get("/bars/AAPL/range?start=2026-03-06T14:30:00Z&end=2026-03-06T14:31:00Z");
        // 100.0000 is written with its four stored decimals, not as 100 or 100.0.
        assertThat(minutes.body()).contains("\"open\":100.0000").contains("\"timestamp\":\"2026-03-06T14:30:00Z\"");
        JsonNode first = Json.MAPPER.readTree(minutes.body()).get(0);
        assertThat(first.fieldNames()).toIterable().containsExactly("symbol", "timeframe", "timestamp", "open",
                "high", "low", "close", "volume", "trade_count", "vwap");
    }

    @Test
    void shouldTakeWholeBucketsForARangeStartingMidBucket() throws IOException {
        List<BarView> got = bars("/bars/AAPL/range?start=2026-03-09T09:33:00-04:00&end=2026-03-09T09:50:00-04:00&timeframe=5Min");
        assertThat(got).extracting(BarView::timestamp)
                .containsExactly("2026-03-09T13:35:00Z", "2026-03-09T13:40:00Z", "2026-03-09T13:45:00Z");
        assertThat(got.get(0)).isEqualTo(series("AAPL", Timeframe.MIN_5).stream()
                .filter(b -> b.timestamp().equals("2026-03-09T13:35:00Z")).findFirst().orElseThrow());
    }

    @ParameterizedTest
    @EnumSource(Timeframe.class)
    void shouldServeTheLatestBarOfEverySymbolInEveryTimeframe(Timeframe tf) throws IOException {
        List<BarView> got = bars("/bars/latest?timeframe=" + tf.label());
        List<BarView> expected = symbolsWith(tf).stream().map(s -> tail(series(s, tf), 1).get(0)).toList();
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void shouldLeaveSymbolsWithoutMinuteBarsOutOfLatestMinutes() throws IOException {
        assertThat(bars("/bars/latest")).extracting(BarView::symbol).doesNotContain("ONLYD").contains("AAPL", "BIG");
        assertThat(bars("/bars/latest?timeframe=1Day")).extracting(BarView::symbol).contains("ONLYD");
        // MSFT's newest date has a stored daily bar: it wins over the roll-up of that date's minutes.
        assertThat(bars("/bars/latest?timeframe=1Day")).filteredOn(b -> b.symbol().equals("MSFT"))
                .singleElement().extracting(BarView::volume).isEqualTo(9_999L);
    }

    @Test
    void shouldAnswerEmptyArraysForSymbolsOrRangesWithoutData() throws IOException {
        assertThat(bars("/bars/ZZZZ")).isEmpty();
        assertThat(bars("/bars/ZZZZ?timeframe=1Day")).isEmpty();
        assertThat(bars("/bars/AAPL/range?start=2020-01-01&end=2020-02-01&timeframe=1Hour")).isEmpty();
        assertThat(bars("/bars/AAPL/range?start=2026-03-09T14:00:00Z&end=2026-03-09T14:00:00Z")).isEmpty();
        assertThat(get("/bars/ZZZZ").body()).isEqualTo("[]");
    }

    @Test
    void shouldAcceptLowerCaseSymbols() throws IOException {
        assertThat(bars("/bars/aapl?limit=3")).isEqualTo(tail(series("AAPL", Timeframe.MIN_1), 3));
    }

    // ---- limits and paging ------------------------------------------------------------------------------

    @Test
    void shouldDefaultTo500AndAllowUpToTheMax() throws IOException {
        List<BarView> all = series("BIG", Timeframe.MIN_1);
        assertThat(bars("/bars/BIG")).hasSize(500).isEqualTo(tail(all, 500));
        assertThat(bars("/bars/BIG?limit=10000")).hasSize(600).isEqualTo(all);
        assertThat(bars("/bars/BIG?limit=1")).isEqualTo(tail(all, 1));
        assertThat(bars("/bars/BIG/range?start=2026-03-10&end=2026-03-11")).hasSize(500).isEqualTo(all.subList(0, 500));
    }

    @Test
    void shouldPageThroughARangeWithStartAfterTheLastTimestamp() throws IOException {
        List<BarView> pages = new ArrayList<>();
        String start = "2026-03-10";
        for (int page = 0; page < 5; page++) {
            List<BarView> got = bars("/bars/BIG/range?start=" + q(start) + "&end=2026-03-11&limit=250");
            if (got.isEmpty()) {
                break;
            }
            pages.addAll(got);
            start = Instant.parse(got.get(got.size() - 1).timestamp()).plusSeconds(60).toString();
        }
        assertThat(pages).isEqualTo(series("BIG", Timeframe.MIN_1));
    }

    @Test
    void shouldRefuseLimitOverTheMaxSayingTheMax() throws IOException {
        HttpResponse<String> r = get("/bars/BIG?limit=10001");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode p = Json.MAPPER.readTree(r.body());
        assertThat(p.get("parameter").asText()).isEqualTo("limit");
        assertThat(p.get("detail").asText()).contains("10000");
    }

    // ---- bad input ----------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} -> 400 {1}")
    @CsvSource(delimiter = '|', value = {
            "/bars/AAPL%27%3B%20DROP%20TABLE%20x%3B--|symbol",
            "/bars/1%3D1%20OR%20TRUE|symbol",
            "/bars/%24%7Bjndi%7D|symbol",
            "/bars/TOOLONGSYMBOLNAMEX/range?start=2026-03-09&end=2026-03-10|symbol",
            "/bars/AAPL?timeframe=2Min|timeframe",
            "/bars/AAPL?timeframe=1Day%27%20OR%20%271%27%3D%271|timeframe",
            "/bars/latest?timeframe=week|timeframe",
            "/bars/AAPL?limit=0|limit",
            "/bars/AAPL?limit=-5|limit",
            "/bars/AAPL?limit=abc|limit",
            "/bars/AAPL?limit=10001|limit",
            "/bars/AAPL/range?start=2026-03-10&end=2026-03-09|start",
            "/bars/AAPL/range?start=yesterday&end=2026-03-09|start",
            "/bars/AAPL/range?start=2026-03-09&end=2026-02-30|end",
            "/bars/AAPL/range?end=2026-03-09|start",
            "/bars/AAPL/range?start=2026-03-09|end",
            "/bars/AAPL/range?start=1900-01-01&end=2026-01-01|end",
            "/bars/AAPL/range?start=0001-01-01&end=9999-01-01|end",
            "/bars/AAPL/range?start=2026-03-09%3B%20SELECT%20pg_sleep(10)&end=2026-03-10|start",
    })
    void shouldRefuseBadInputWithProblemJsonNamingTheParameter(String path, String parameter) throws IOException {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        JsonNode p = Json.MAPPER.readTree(r.body());
        assertThat(p.get("status").asInt()).isEqualTo(400);
        assertThat(p.get("parameter").asText()).isEqualTo(parameter);
        assertThat(p.get("type").asText()).isEqualTo(Problem.BAD_PARAMETER);
        assertThat(p.get("title").asText()).isNotBlank();
        assertThat(p.get("detail").asText()).isNotBlank();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("dev.stockpipe");
    }

    @Test
    void shouldAnswerUnknownPathsAndMethodsWithoutA500() throws Exception {
        assertThat(get("/bars/AAPL/nope").statusCode()).isEqualTo(404);
        assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + "/bars/AAPL"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.body()).doesNotContain("\tat ");
    }

    @Test
    void shouldStillServeAfterBadInputAndCountIt() throws IOException {
        get("/bars/AAPL?limit=0");
        assertThat(bars("/bars/AAPL?limit=2")).hasSize(2);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(get("/metrics").body()).contains("bars_bad_requests_total{parameter=\"limit\"}"));
    }

    // ---- caching, CORS, docs, metrics, health --------------------------------------------------------------

    @Test
    void shouldAnswer304WhenIfNoneMatchCarriesTheEtag() {
        HttpResponse<String> first = get("/bars/AAPL?timeframe=15Min");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).startsWith("W/\"");
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-cache");
        HttpResponse<String> again = get("/bars/AAPL?timeframe=15Min", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.headers().firstValue("ETag")).hasValue(etag);
        HttpResponse<String> other = get("/bars/AAPL?timeframe=1Hour", "If-None-Match", etag);
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.headers().firstValue("ETag")).isPresent().isNotEqualTo(java.util.Optional.of(etag));
    }

    @Test
    void shouldLetClientsReuseRangesThatClosedADayAgo() {
        assertThat(get("/bars/AAPL/range?start=2026-03-06&end=2026-03-07").headers().firstValue("Cache-Control"))
                .hasValue("public, max-age=300");
        LocalDate today = LocalDate.now(MarketTime.NEW_YORK);
        assertThat(get("/bars/AAPL/range?start=" + today.minusDays(2) + "&end=" + today.plusDays(2))
                .headers().firstValue("Cache-Control")).hasValue("no-cache");
    }

    @Test
    void shouldAnswerCorsPreflightForAnAllowedOrigin() throws Exception {
        HttpRequest preflight = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + "/bars/AAPL"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", ORIGIN).header("Access-Control-Request-Method", "GET").build();
        HttpResponse<String> r = HTTP.send(preflight, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        assertThat(r.headers().allValues("Access-Control-Allow-Methods").toString()).contains("GET");

        HttpResponse<String> simple = get("/bars/AAPL?limit=1", "Origin", ORIGIN);
        assertThat(simple.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        assertThat(simple.headers().allValues("Access-Control-Expose-Headers").toString()).containsIgnoringCase("ETag");

        HttpResponse<String> evil = get("/bars/AAPL?limit=1", "Origin", "http://evil.example");
        assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void shouldServeOpenApiGeneratedFromTheCodeAndSwaggerUi() {
        HttpResponse<String> spec = get("/openapi.yml");
        assertThat(spec.statusCode()).isEqualTo(200);
        assertThat(spec.body()).contains("openapi: 3").contains("/bars/{symbol}/range:").contains("/bars/latest:")
                .contains("/health:").contains("application/problem+json").contains("trade_count");
        for (String path : List.of("/docs", "/docs/")) {
            HttpResponse<String> page = get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
            assertThat(page.body()).contains("swagger-ui").contains("/openapi.yml").contains("/docs/res/swagger-ui-bundle.js");
        }
        HttpResponse<String> bundle = get("/docs/res/swagger-ui-bundle.js");
        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(bundle.body()).contains("SwaggerUIBundle");
    }

    @Test
    void shouldExposeRequestLatencyHistogramsByEndpoint() {
        get("/bars/AAPL?limit=1");
        get("/bars/latest");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> m = get("/metrics");
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            List<String> buckets = m.body().lines().filter(l -> l.startsWith("http_server_requests_seconds_bucket{")).toList();
            assertThat(buckets).anyMatch(l -> l.contains("uri=\"/bars/{symbol}\"") && l.contains("le="));
            assertThat(buckets).anyMatch(l -> l.contains("uri=\"/bars/latest\""));
        });
    }

    @Test
    void shouldReportHealthyWhenPostgresAndTheTableAreThere() throws IOException {
        HttpResponse<String> r = get("/health");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(r.body()).get("status").asText()).isEqualTo("UP");
    }

    @Test
    void shouldReport503WhenTheTableIsMissing() throws IOException {
        String bare = pg.createDatabase(TestNames.unique("bars_bare"));
        EmbeddedServer s = startServer(bare, Map.of());
        try {
            HttpResponse<String> h = get(s, "/health");
            assertThat(h.statusCode()).isEqualTo(503);
            assertThat(h.body()).contains("DOWN").contains("missing");
            HttpResponse<String> r = get(s, "/bars/AAPL");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
            assertThat(r.body()).doesNotContain("\tat ");
        } finally {
            s.getApplicationContext().close();
        }
    }

    @Test
    void shouldAnswer503WhilePostgresIsDownAndKeepRunning() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        EmbeddedServer s = startServer("jdbc:postgresql://127.0.0.1:" + closedPort + "/stockpipe",
                Map.of("datasources.default.connection-timeout", 500));
        try {
            for (String path : List.of("/bars/AAPL", "/bars/AAPL/range?start=2026-03-09&end=2026-03-10&timeframe=1Day", "/bars/latest")) {
                HttpResponse<String> r = get(s, path);
                assertThat(r.statusCode()).as(path).isEqualTo(503);
                assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
                JsonNode p = Json.MAPPER.readTree(r.body());
                assertThat(p.get("status").asInt()).isEqualTo(503);
                assertThat(r.body()).doesNotContain("\tat ").doesNotContain("password");
            }
            HttpResponse<String> h = get(s, "/health");
            assertThat(h.statusCode()).isEqualTo(503);
            assertThat(h.body()).contains("DOWN").contains("unreachable");
            // Bad input is still judged without the database.
            assertThat(get(s, "/bars/AAPL?limit=0").statusCode()).isEqualTo(400);
        } finally {
            s.getApplicationContext().close();
        }
    }

    @Test
    void shouldSeedWhatTheReferenceExpects() {
        // Guards the oracle itself: every symbol's rows are in and the DST rows sit where the comments say.
        Map<String, Long> perSymbol = ROWS.stream().collect(Collectors.groupingBy(Row::symbol, LinkedHashMap::new, Collectors.counting()));
        assertThat(perSymbol).containsEntry("BIG", 600L).containsEntry("AAPL", 121L).containsEntry("DSTF", 6L);
        assertThat(referenceBucket(Instant.parse("2026-11-01T06:30:00Z"), Timeframe.HOUR_1)).isEqualTo(Instant.parse("2026-11-01T06:00:00Z"));
        assertThat(LocalDate.of(2026, 11, 1).atStartOfDay(MarketTime.NEW_YORK).toInstant()).isEqualTo(Instant.parse("2026-11-01T04:00:00Z"));
    }
}

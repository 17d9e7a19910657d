package dev.stockpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.localstack.FreePorts;
import dev.stockpipe.localstack.StackState;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.MarketTime;
import java.io.File;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on real parts, started the way users start it: {@code LocalStackMain up} in its own JVM
 * (embedded KRaft Kafka, PostgreSQL, Redis; Connect with the Debezium sink, alpaca-sim, ingest-bridge,
 * streams-app, bars-query-service and ws-relay, each its own supervised JVM), every port a free one.
 * The seeded simulator runs a short, accelerated market with corrections and cancels; streams-app and then
 * ingest-bridge are SIGKILLed mid-run and must be restarted by the supervisor (the new bridge backfills its
 * downtime from what the raw topics hold). After the simulator pauses, PostgreSQL must
 * equal the simulator's ground truth, row for row, and both bar endpoints must serve the same bars.
 * First, while the market is live, headless Chromium must see the relay's page fill its tape and draw candles
 * (target/pipeline-page.png); ordered first because the main test ends by pausing the simulator.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineIT {
    private static final List<String> SYMBOLS = List.of("AAPL", "MSFT", "GOOGL");
    /** Model time runs this much faster than the wall clock: minute bars close every 15 s. */
    private static final int SPEED = 4;
    /** Model time of data after the start mark; with SPEED 4 about 45 s of wall time. */
    private static final Duration RUN = Duration.ofSeconds(180);
    /** A minute bar is final once its `u` could have been sent (the :30 after it closed), plus margin. */
    private static final Duration BAR_SETTLED = Duration.ofSeconds(100);
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path home;
    static Path root;
    static Map<String, String> env;
    static Process up;
    static Path upOut;
    static StackState state;

    @BeforeAll
    static void startTheStack() throws Exception {
        root = Path.of(System.getProperty("stockpipe.root", "..")).toAbsolutePath().normalize();
        env = new HashMap<>();
        env.put("STOCKPIPE_HOME", home.toString());
        env.put("STOCKPIPE_ROOT", root.toString());
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        for (String port : List.of("KAFKA_PORT", "POSTGRES_PORT", "REDIS_PORT", "CONNECT_REST_PORT", "ALPACA_SIM_PORT",
                "INGEST_HTTP_PORT", "STREAMS_IQ_PORT", "BARS_PORT", "RELAY_PORT")) {
            env.put(port, Integer.toString(FreePorts.pick()));
        }
        env.put("CONNECT_HEAP", "512m");
        env.put("ALPACA_SIM_HEAP", "192m");
        env.put("INGEST_BRIDGE_HEAP", "192m");
        env.put("STREAMS_APP_HEAP", "256m");
        env.put("BARS_QUERY_HEAP", "192m");
        env.put("WS_RELAY_HEAP", "192m");
        env.put("STOCKPIPE_READY_TIMEOUT", "300");
        env.put("STOCKPIPE_RESTART_BASE_MS", "500");
        env.put("SUBSCRIBED_SYMBOLS", String.join(",", SYMBOLS));
        env.put("ALPACA_SIM_SYMBOLS", String.join(",", SYMBOLS));
        env.put("ALPACA_SIM_SEED", "20261201");
        env.put("ALPACA_SIM_TRADES_PER_SECOND", "6");
        env.put("ALPACA_SIM_CORRECTION_RATE", "0.05");
        env.put("ALPACA_SIM_CANCEL_RATE", "0.05");
        env.put("ALPACA_SIM_SPEED", Integer.toString(SPEED));
        env.put("KAFKA_PARTITIONS", "3");
        // Model time runs 4x: a trade reported 10 s (model) late can trail the last one seen by more than 10 s.
        env.put("INGEST_BACKFILL_OVERLAP", "30s");

        Path cls = root.resolve("local-stack/target/classes");
        String cp = cls + File.pathSeparator + Files.readString(root.resolve("local-stack/target/classpath.txt")).trim();
        upOut = home.resolve("up.out");
        ProcessBuilder pb = new ProcessBuilder(javaBin(), "-Xmx384m", "-XX:+UseSerialGC", "-cp", cp,
                "dev.stockpipe.localstack.LocalStackMain", "up")
                .redirectErrorStream(true).redirectOutput(upOut.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        up = pb.start();

        // `up` prints "open http://localhost:<port>" once every part answered its health check.
        // Polled by hand: an up that died must fail the test at once, not at the deadline.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(420);
        while (!read(upOut).contains("open http://localhost:" + env.get("RELAY_PORT"))) {
            if (!up.isAlive()) {
                throw new AssertionError("up exited with " + up.exitValue() + "; output:\n" + read(upOut));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("up did not report every part ready within 420 s; output:\n" + read(upOut));
            }
            Thread.sleep(1000);
        }
        state = StackState.read(home.resolve("state.json")).orElseThrow();
    }

    @AfterAll
    static void stopTheStack() throws Exception {
        if (up == null) {
            return;
        }
        List<Long> pids = new ArrayList<>();
        StackState last = StackState.read(home.resolve("state.json")).orElse(state);
        if (last != null) {
            last.services().forEach(s -> pids.add(s.pid()));
            last.parts().forEach(p -> pids.add(p.pid()));
        }
        Result down = cli("down");
        boolean exited = up.waitFor(90, TimeUnit.SECONDS);
        if (!exited) {
            up.destroyForcibly();
        }
        assertThat(down.rc).as(down.out).isZero();
        assertThat(exited).as("up exits after down").isTrue();
        await("no process of the stack left").atMost(Duration.ofSeconds(60)).until(() ->
                pids.stream().filter(p -> p > 0).noneMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)));
    }

    /**
     * ws-relay's own browser check (frontend/browser-test/page-check.mjs, reused as is) against the running stack:
     * live trades on the tape and candles drawn for every symbol. A separate test so that a machine without the
     * browser skips only this check.
     */
    @Test
    @Order(1)
    void shouldShowLiveTradesAndCandlesOnTheRelayPageInHeadlessChromium() throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        Path frontend = root.resolve("ws-relay/frontend");
        assumeTrue(Files.isExecutable(chromium), "page check skipped: " + chromium
                + " not installed (apt-get install -y chromium)");
        assumeTrue(Files.isDirectory(frontend.resolve("node_modules/playwright-core")), "page check skipped: "
                + frontend.resolve("node_modules") + " missing (run npm ci in ws-relay/frontend; the ws-relay build does it)");
        Path shot = root.resolve("e2e/target/pipeline-page.png");
        Path log = root.resolve("e2e/target/pipeline-page-check.log");
        Files.createDirectories(shot.getParent());
        Files.deleteIfExists(shot);
        String page = url("ws-relay") + "/?symbols=" + String.join(",", SYMBOLS);
        Process node = new ProcessBuilder("node", "browser-test/page-check.mjs", page, shot.toString())
                .directory(frontend.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = node.waitFor(240, TimeUnit.SECONDS);
        if (!finished) {
            node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String out = read(log);
        assertThat(finished).as("page check on %s finished; output:%n%s", page, out).isTrue();
        assertThat(node.exitValue()).as("page check on %s; output:%n%s", page, out).isZero();
        assertThat(out).contains("RESULT ");
        JsonNode result = Json.MAPPER.readTree(out.substring(out.indexOf("RESULT ") + 7).lines().findFirst().orElseThrow());
        assertThat(result.path("state").asText()).as("page state; output:%n%s", out).isEqualTo("live");
        assertThat(result.path("tapeRows").asInt()).as("tape rows").isGreaterThanOrEqualTo(5);
        for (String symbol : SYMBOLS) {
            assertThat(result.path("candles").path(symbol).asInt()).as("candles of %s; output:%n%s", symbol, out)
                    .isGreaterThanOrEqualTo(2);
            assertThat(result.path("candlePixels").path(symbol).asInt()).as("candle pixels drawn for %s; output:%n%s", symbol, out)
                    .isPositive();
        }
        assertThat(shot).exists();
        assertThat(Files.size(shot)).as("screenshot size").isGreaterThan(10_000);
    }

    @Test
    @Order(2)
    void shouldLandExactlyTheSimulatorsTradesAndBarsInPostgresAndServeThemAfterServiceCrashes() throws Exception {
        assertThat(read(upOut)).contains("migrations", "connectors", "alpaca-sim", "ingest-bridge", "streams-app",
                "bars-query-service", "ws-relay").doesNotContain("NOT READY");
        String sim = url("alpaca-sim");

        // Flow A: a real WebSocket client on ws-relay gets live trades.
        ConcurrentLinkedQueue<JsonNode> live = new ConcurrentLinkedQueue<>();
        WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(url("ws-relay").replace("http", "ws") + "/ws"),
                new Collector(live)).get(30, TimeUnit.SECONDS);
        ws.sendText("{\"action\":\"subscribe\",\"symbols\":[\"*\"]}", true).get(10, TimeUnit.SECONDS);

        // The bridge is subscribed (its /health said so before `up` went on): every trade stamped from here on reaches it.
        Instant start = modelTime(sim).plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
        await("live trades on ws-relay /ws").atMost(Duration.ofSeconds(60))
                .until(() -> live.stream().anyMatch(m -> "trade".equals(m.path("type").asText())
                        && SYMBOLS.contains(m.path("symbol").asText())));

        // Fault: kill streams-app mid-run; the supervisor restarts it, status reports it, exactly-once carries on.
        await("model time halfway").atMost(Duration.ofSeconds(120)).until(() -> modelTime(sim).isAfter(start.plus(RUN.dividedBy(2))));
        StackState.Service streams = StackState.read(home.resolve("state.json")).orElseThrow().service("streams-app").orElseThrow();
        ProcessHandle.of(streams.pid()).orElseThrow().destroyForcibly();
        await("streams-app restarted by the supervisor").atMost(Duration.ofSeconds(120)).until(() -> {
            StackState.Service s = StackState.read(home.resolve("state.json")).orElseThrow().service("streams-app").orElseThrow();
            return s.restarts() >= 1 && s.pid() != streams.pid() && httpStatus(url("streams-app") + "/health") == 200;
        });
        Result status = cli("status", "--no-rates");
        assertThat(status.out).containsPattern("streams-app\\s+healthy.*restarts 1").contains("last crash: exit 137 (SIGKILL)");

        // Fault: kill ingest-bridge too; the new process reads where the old one stopped from the raw topics and
        // backfills the downtime from REST, so nothing the simulator emitted meanwhile is missing.
        StackState.Service bridge = StackState.read(home.resolve("state.json")).orElseThrow().service("ingest-bridge").orElseThrow();
        ProcessHandle.of(bridge.pid()).orElseThrow().destroyForcibly();
        await("ingest-bridge restarted by the supervisor").atMost(Duration.ofSeconds(120)).until(() -> {
            StackState.Service s = StackState.read(home.resolve("state.json")).orElseThrow().service("ingest-bridge").orElseThrow();
            return s.restarts() >= 1 && s.pid() != bridge.pid() && httpStatus(url("ingest-bridge") + "/health") == 200;
        });
        Result bridgeStatus = cli("status", "--no-rates");
        assertThat(bridgeStatus.out).containsPattern("ingest-bridge\\s+healthy.*restarts 1");
        // Some live market after the restart too, so the run ends with the new bridge streaming.
        Instant runEnd = max(start.plus(RUN), modelTime(sim).plusSeconds(40));

        await("model time at the end of the run").atMost(Duration.ofSeconds(180)).until(() -> modelTime(sim).isAfter(runEnd));
        post(sim + "/admin/pause");
        Instant end = modelTime(sim);

        // Ground truth after corrections and cancels, for trades stamped in [start, end].
        List<String> expectedTrades = new ArrayList<>();
        JsonNode truth = getJson(sim + "/admin/ground-truth/trades?start=" + start + "&end=" + end.plusSeconds(1));
        for (JsonNode t : truth.path("trades")) {
            expectedTrades.add(tradeRow(t.path("trade"), t.path("status").asText()));
        }
        expectedTrades.sort(String::compareTo);
        assertThat(expectedTrades).as("the run has trades").hasSizeGreaterThan(100);
        assertThat(expectedTrades).as("the run has corrections and cancels")
                .anyMatch(r -> r.endsWith("|corrected")).anyMatch(r -> r.endsWith("|canceled"));

        // Final minute bars of the minutes that closed after the start and settled before the pause.
        Instant firstMinute = start.truncatedTo(ChronoUnit.MINUTES);
        Instant lastMinute = end.minus(BAR_SETTLED).truncatedTo(ChronoUnit.MINUTES);
        List<String> expectedBars = new ArrayList<>();
        for (JsonNode b : getJson(sim + "/admin/ground-truth/bars?start=" + firstMinute + "&end=" + lastMinute.plusSeconds(1)).path("bars")) {
            expectedBars.add(barRow(b.path("S").asText(), MarketTime.parseInstant(b.path("t").asText()), b.path("o").decimalValue(),
                    b.path("h").decimalValue(), b.path("l").decimalValue(), b.path("c").decimalValue(), b.path("v").asLong(),
                    b.hasNonNull("n") ? b.path("n").asLong() : null, b.hasNonNull("vw") ? b.path("vw").decimalValue() : null));
        }
        expectedBars.sort(String::compareTo);
        assertThat(expectedBars).as("at least one settled minute bar").isNotEmpty();

        // Flow B: wait (by polling) for the sink to catch up, then PostgreSQL must equal the ground truth exactly.
        StackState.Part pg = state.part(StackState.POSTGRES).orElseThrow();
        String jdbc = "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/" + pg.database();
        try (Connection c = DriverManager.getConnection(jdbc, pg.user(), "postgres")) {
            await("stock_trades_realtime = ground truth").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(() -> assertThat(storedTrades(c, start, end.plusSeconds(1))).containsExactlyElementsOf(expectedTrades));
            await("stock_bars_staging = ground truth bars").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(() -> assertThat(storedBars(c, firstMinute, lastMinute.plusSeconds(1))).containsExactlyElementsOf(expectedBars));
        }

        // Flow C: bars-query-service and ws-relay's proxy serve those bars.
        for (String symbol : SYMBOLS) {
            JsonNode direct = getJson(url("bars-query-service") + "/bars/" + symbol + "?limit=10000");
            JsonNode proxied = getJson(url("ws-relay") + "/api/bars/" + symbol + "?limit=10000");
            assertThat(proxied).as("ws-relay /api/bars/%s passes bars-query-service's answer through", symbol).isEqualTo(direct);
            List<String> served = new ArrayList<>();
            for (JsonNode b : direct) {
                Instant ts = MarketTime.parseInstant(b.path("timestamp").asText());
                if (!ts.isBefore(firstMinute) && !ts.isAfter(lastMinute)) {
                    served.add(barRow(b.path("symbol").asText(), ts, b.path("open").decimalValue(), b.path("high").decimalValue(),
                            b.path("low").decimalValue(), b.path("close").decimalValue(), b.path("volume").asLong(),
                            b.hasNonNull("trade_count") ? b.path("trade_count").asLong() : null,
                            b.hasNonNull("vwap") ? b.path("vwap").decimalValue() : null));
                }
            }
            served.sort(String::compareTo);
            assertThat(served).as("GET /bars/%s", symbol)
                    .containsExactlyElementsOf(expectedBars.stream().filter(r -> r.startsWith(symbol + "|")).toList());
        }
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }

    // ------------------------------------------------------------------ rows, compared as text

    /** symbol|trade_date|exchange|trade_id|price|size|conditions|tape|trade_ts(µs)|status; prices without trailing zeros. */
    private static String tradeRow(JsonNode t, String status) {
        Instant ts = MarketTime.parseInstant(t.path("t").asText());
        List<String> conditions = new ArrayList<>();
        t.path("c").forEach(c -> conditions.add(c.asText()));
        return String.join("|", t.path("S").asText(), ts.atZone(NEW_YORK).toLocalDate().toString(), t.path("x").asText(),
                t.path("i").asText(), plain(t.path("p").decimalValue()), t.path("s").asText(), String.join(",", conditions),
                t.hasNonNull("z") ? t.path("z").asText() : "null", micros(ts).toString(), status);
    }

    private static List<String> storedTrades(Connection c, Instant from, Instant to) throws Exception {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT symbol, trade_date, exchange, trade_id, price, size, conditions, tape,"
                + " trade_ts, status FROM market_data_oltp.stock_trades_realtime WHERE symbol = ANY (?) AND trade_ts >= ? AND trade_ts < ?")) {
            st.setArray(1, c.createArrayOf("text", SYMBOLS.toArray()));
            st.setTimestamp(2, Timestamp.from(from));
            st.setTimestamp(3, Timestamp.from(to));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Array conds = rs.getArray(7);
                    String[] cs = conds == null ? new String[0] : (String[]) conds.getArray();
                    rows.add(String.join("|", rs.getString(1), rs.getString(2), rs.getString(3), Long.toString(rs.getLong(4)),
                            plain(rs.getBigDecimal(5)), Long.toString(rs.getLong(6)), String.join(",", cs), String.valueOf(rs.getString(8)),
                            rs.getTimestamp(9).toInstant().toString(), rs.getString(10)));
                }
            }
        }
        rows.sort(String::compareTo);
        return rows;
    }

    private static String barRow(String symbol, Instant ts, BigDecimal o, BigDecimal h, BigDecimal l, BigDecimal c, long v,
                                 Long n, BigDecimal vw) {
        return String.join("|", symbol, ts.toString(), plain(o), plain(h), plain(l), plain(c), Long.toString(v),
                String.valueOf(n), vw == null ? "null" : plain(vw));
    }

    private static List<String> storedBars(Connection c, Instant from, Instant to) throws Exception {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT symbol, bar_ts, open, high, low, close, volume, trade_count, vwap"
                + " FROM market_data_oltp.stock_bars_staging WHERE timeframe = '1Min' AND symbol = ANY (?) AND bar_ts >= ? AND bar_ts < ?")) {
            st.setArray(1, c.createArrayOf("text", SYMBOLS.toArray()));
            st.setTimestamp(2, Timestamp.from(from));
            st.setTimestamp(3, Timestamp.from(to));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long n = rs.getLong(8);
                    Long count = rs.wasNull() ? null : n;
                    rows.add(barRow(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getBigDecimal(3), rs.getBigDecimal(4),
                            rs.getBigDecimal(5), rs.getBigDecimal(6), rs.getLong(7), count, rs.getBigDecimal(9)));
                }
            }
        }
        rows.sort(String::compareTo);
        return rows;
    }

    /** PostgreSQL keeps microseconds, rounding to the nearest one. */
    private static Instant micros(Instant t) {
        long nanos = t.getNano() % 1000;
        Instant down = t.minusNanos(nanos);
        return nanos >= 500 ? down.plusNanos(1000) : down;
    }

    private static String plain(BigDecimal d) {
        return d == null ? "null" : d.stripTrailingZeros().toPlainString();
    }

    // ------------------------------------------------------------------ helpers

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String url(String service) {
        return state.service(service).map(StackState.Service::url).orElseThrow(() -> new AssertionError(service + " not in state.json"));
    }

    private static Instant modelTime(String sim) throws Exception {
        return MarketTime.parseInstant(getJson(sim + "/admin/stats").path("model_time").asText());
    }

    private static JsonNode getJson(String u) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(u)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", u, r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    private static int httpStatus(String u) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(u)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static void post(String u) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(u)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("POST %s: %s", u, r.body()).isEqualTo(200);
    }

    record Result(int rc, String out) {}

    /** Runs the CLI as ./stockpipe does (its own short-lived JVM). */
    private static Result cli(String... args) throws Exception {
        String cp = root.resolve("local-stack/target/classes") + File.pathSeparator
                + Files.readString(root.resolve("local-stack/target/classpath.txt")).trim();
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", cp,
                "dev.stockpipe.localstack.LocalStackMain"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(home, "cli", ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("stockpipe " + String.join(" ", args) + " did not finish: " + read(out));
        }
        return new Result(p.exitValue(), read(out));
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Collects the JSON text frames a WebSocket receives. */
    private static final class Collector implements WebSocket.Listener {
        private final ConcurrentLinkedQueue<JsonNode> into;
        private final StringBuilder partial = new StringBuilder();

        Collector(ConcurrentLinkedQueue<JsonNode> into) {
            this.into = into;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    into.add(Json.MAPPER.readTree(partial.toString()));
                } catch (java.io.IOException e) {
                    throw new AssertionError("ws-relay sent a frame that is not JSON: " + partial, e);
                } finally {
                    partial.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}

package dev.stockpipe.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stockpipe.model.alpaca.AlpacaBar;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Historical REST against a real HTTP client: paging returns exactly the ground truth (§7, §12.8-10). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestApiIT {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Instant START = Instant.parse("2024-07-01T14:00:00Z");
    private static final Instant END = START.plus(Duration.ofMinutes(6));
    private static AlpacaSimulator sim;

    @BeforeAll
    static void run() {
        ManualClock clock = new ManualClock(START);
        sim = AlpacaSimulator.builder().clock(clock).seed(11L).symbols(List.of("AAPL", "MSFT", "GOOGL"))
                .tradesPerSecond(50).correctionRate(0.02).cancelRate(0.02).restRateLimitPerMinute(10_000).start();
        Instant target = START.plus(Duration.ofMinutes(8));
        clock.set(target);
        await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(60)).until(() -> !sim.modelTime().isBefore(target));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    static HttpResponse<String> get(String pathAndQuery, boolean auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.restUri() + pathAndQuery)).GET();
        if (auth) {
            b.header("APCA-API-KEY-ID", "test").header("APCA-API-SECRET-KEY", "test");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Follows next_page_token until null, checking no token repeats; returns every row as (symbol, object). */
    static List<Map.Entry<String, JsonNode>> pageAll(String base, String field, boolean single) throws Exception {
        List<Map.Entry<String, JsonNode>> rows = new ArrayList<>();
        Set<String> tokens = new HashSet<>();
        String token = null;
        int pages = 0;
        do {
            HttpResponse<String> r = get(base + (token == null ? "" : "&page_token=" + enc(token)), true);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("X-RateLimit-Remaining")).isPresent();
            JsonNode body = JSON.readTree(r.body());
            if (single) {
                String s = body.get("symbol").asText();
                body.get(field).forEach(n -> rows.add(Map.entry(s, n)));
            } else {
                body.get(field).fields().forEachRemaining(e -> e.getValue().forEach(n -> rows.add(Map.entry(e.getKey(), n))));
            }
            JsonNode next = body.get("next_page_token");
            token = next.isNull() ? null : next.asText();
            assertThat(token == null || tokens.add(token)).as("token repeated: %s", token).isTrue();
            pages++;
        } while (token != null);
        assertThat(pages).isGreaterThan(1);
        return rows;
    }

    @Test
    void shouldPageTradesExactlyThroughTheGroundTruthWithUpdateMarks() throws Exception {
        List<Map.Entry<String, JsonNode>> rows = pageAll("/v2/stocks/trades?symbols=" + enc("MSFT,AAPL,GOOGL")
                + "&start=" + START + "&end=" + END.minusNanos(1) + "&limit=997&feed=iex", "trades", false);
        List<SimTrade> truth = new ArrayList<>(sim.groundTruth().trades(START, END));
        truth.sort(Comparator.comparing((SimTrade t) -> t.trade().symbol()).thenComparing(t -> t.trade().timestamp())
                .thenComparingLong(SimTrade::seq));
        assertThat(rows).hasSize(truth.size());
        Set<String> marks = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            SimTrade t = truth.get(i);
            JsonNode n = rows.get(i).getValue();
            assertThat(rows.get(i).getKey()).isEqualTo(t.trade().symbol());
            assertThat(n.get("i").asLong()).isEqualTo(t.trade().id());
            assertThat(n.get("x").asText()).isEqualTo(t.trade().exchange());
            assertThat(n.get("p").decimalValue()).isEqualByComparingTo(t.trade().price());
            assertThat(Instant.parse(n.get("t").asText())).isEqualTo(t.trade().timestamp());
            assertThat(n.has("u") ? n.get("u").asText() : null).isEqualTo(t.updateMark());
            if (n.has("u")) {
                marks.add(n.get("u").asText());
            }
        }
        assertThat(marks).containsExactlyInAnyOrder("canceled", "incorrect", "corrected");
    }

    @Test
    void shouldPageMinuteBarsOfOneSymbolExactlyAndDescendingToo() throws Exception {
        List<AlpacaBar> truth = sim.groundTruth().bars(START, END).stream().filter(b -> b.symbol().equals("AAPL")).toList();
        String base = "/v2/stocks/AAPL/bars?timeframe=1Min&start=" + START + "&end=" + END.minusNanos(1) + "&limit=2";
        List<Map.Entry<String, JsonNode>> rows = pageAll(base, "bars", true);
        assertThat(rows).hasSize(truth.size()).hasSize(6);
        for (int i = 0; i < rows.size(); i++) {
            JsonNode n = rows.get(i).getValue();
            AlpacaBar b = truth.get(i);
            assertThat(Instant.parse(n.get("t").asText())).isEqualTo(b.timestamp());
            assertThat(n.get("o").decimalValue()).isEqualByComparingTo(b.open());
            assertThat(n.get("h").decimalValue()).isEqualByComparingTo(b.high());
            assertThat(n.get("l").decimalValue()).isEqualByComparingTo(b.low());
            assertThat(n.get("c").decimalValue()).isEqualByComparingTo(b.close());
            assertThat(n.get("v").asLong()).isEqualTo(b.volume());
            assertThat(n.get("n").asLong()).isEqualTo(b.tradeCount());
            assertThat(n.get("vw").decimalValue()).isEqualByComparingTo(b.vwap());
        }
        List<Map.Entry<String, JsonNode>> desc = pageAll(base + "&sort=desc", "bars", true);
        assertThat(desc.get(0).getValue().get("t").asText()).isEqualTo(rows.get(rows.size() - 1).getValue().get("t").asText());
    }

    @Test
    void shouldRollMinuteBarsUpAndServeMultiSymbolBarsSortedBySymbol() throws Exception {
        HttpResponse<String> r = get("/v2/stocks/bars?symbols=MSFT,AAPL&timeframe=5Min&start=" + START
                + "&end=" + START.plus(Duration.ofMinutes(5)).minusNanos(1), true);
        JsonNode body = JSON.readTree(r.body());
        List<String> keys = new ArrayList<>();
        body.get("bars").fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("AAPL", "MSFT");
        JsonNode five = body.get("bars").get("AAPL").get(0);
        List<AlpacaBar> minutes = sim.groundTruth().bars(START, START.plus(Duration.ofMinutes(5))).stream()
                .filter(b -> b.symbol().equals("AAPL")).toList();
        assertThat(five.get("v").asLong()).isEqualTo(minutes.stream().mapToLong(AlpacaBar::volume).sum());
        assertThat(five.get("o").decimalValue()).isEqualByComparingTo(minutes.get(0).open());
        assertThat(five.get("c").decimalValue()).isEqualByComparingTo(minutes.get(minutes.size() - 1).close());
        assertThat(five.get("h").decimalValue()).isEqualByComparingTo(minutes.stream().map(AlpacaBar::high).max(BigDecimal::compareTo).orElseThrow());
        assertThat(body.get("next_page_token").isNull()).isTrue();
        HttpResponse<String> day = get("/v2/stocks/AAPL/bars?timeframe=1Day&start=2024-07-01&end=2024-07-01", true);
        assertThat(JSON.readTree(day.body()).get("bars").get(0).get("t").asText()).isEqualTo("2024-07-01T04:00:00Z");
    }

    @Test
    void shouldAnswerBadParametersWithAlpacasErrorShape() throws Exception {
        Map<String, Integer> cases = Map.ofEntries(
                Map.entry("/v2/stocks/bars?symbols=AAPL", 400),
                Map.entry("/v2/stocks/bars?symbols=AAPL&timeframe=60Min", 400),
                Map.entry("/v2/stocks/bars?symbols=AAPL&timeframe=1Min&limit=10001", 400),
                Map.entry("/v2/stocks/bars?symbols=AAPL&timeframe=1Min&limit=abc", 400),
                Map.entry("/v2/stocks/bars?symbols=AAPL&timeframe=1Min&start=yesterday", 400),
                Map.entry("/v2/stocks/bars?symbols=AAPL&timeframe=1Min&start=2024-07-02&end=2024-07-01", 400),
                Map.entry("/v2/stocks/bars?symbols=AAPL&timeframe=1Min&sort=up", 400),
                Map.entry("/v2/stocks/bars?symbols=AAPL&timeframe=1Min&adjustment=bogus", 400),
                Map.entry("/v2/stocks/bars?symbols=AAPL&timeframe=1Min&page_token=%21%21", 400),
                Map.entry("/v2/stocks/trades?symbols=aa%20pl", 400),
                Map.entry("/v2/stocks/trades", 400),
                Map.entry("/v2/stocks/trades?symbols=AAPL&feed=nasdaq", 400),
                Map.entry("/v2/stocks/trades?symbols=AAPL&feed=sip", 403),
                Map.entry("/v2/stocks/nothing", 404));
        for (Map.Entry<String, Integer> c : cases.entrySet()) {
            HttpResponse<String> r = get(c.getKey(), true);
            assertThat(r.statusCode()).as(c.getKey() + " -> " + r.body()).isEqualTo(c.getValue());
            assertThat(JSON.readTree(r.body()).get("message").asText()).as(c.getKey()).isNotBlank();
        }
        assertThat(JSON.readTree(get("/v2/stocks/bars?symbols=AAPL&timeframe=60Min", true).body()).get("message").asText())
                .isEqualTo("timeframe period number is larger than the allowed maximum of 59");
        assertThat(get("/v2/stocks/trades?symbols=AAPL", false).statusCode()).isEqualTo(401);
        HttpResponse<String> ok = get("/v2/stocks/trades?symbols=AAPL&start=" + START + "&end=" + END + "&limit=1", true);
        assertThat(ok.statusCode()).isEqualTo(200); // and the server is still fine after all that
    }

    @Test
    void shouldAnswer429WithRetryAfterOnTheFaultThenServeAgain() throws Exception {
        sim.faults().rest429(2);
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = get("/v2/stocks/AAPL/trades?start=" + START + "&end=" + END + "&limit=10", true);
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(r.headers().firstValue("X-RateLimit-Reset")).isPresent();
            assertThat(JSON.readTree(r.body()).get("message").asText()).isNotBlank();
        }
        assertThat(get("/v2/stocks/AAPL/trades?start=" + START + "&end=" + END + "&limit=10", true).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldServeHealthMetricsAndAdminGroundTruth() throws Exception {
        assertThat(get("/health", false).body()).contains("UP");
        assertThat(get("/metrics", false).body()).contains("alpaca_sim_trades_emitted_total");
        JsonNode trades = JSON.readTree(get("/admin/ground-truth/trades?start=" + START + "&end=" + END, false).body());
        assertThat(trades.get("trades")).hasSize(sim.groundTruth().trades(START, END).size());
        JsonNode bars = JSON.readTree(get("/admin/ground-truth/bars?start=" + START + "&end=" + END, false).body());
        assertThat(bars.get("bars")).hasSize(sim.groundTruth().bars(START, END).size());
        assertThat(bars.get("bars").get(0).get("T").asText()).isEqualTo("b");
        assertThat(JSON.readTree(get("/admin/stats", false).body()).get("trades_emitted").asLong()).isPositive();
    }
}

package dev.stockpipe.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.stockpipe.localstack.EmbeddedRedis;
import dev.stockpipe.model.Channels;
import dev.stockpipe.testsupport.TestStackExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The relay end to end on a real Redis, with real WebSocket and HTTP clients and a real HTTP upstream. */
@ExtendWith(TestStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class RelayIT {
    private static final String[] SYMBOLS = {"AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "TSLA", "META", "SPY", "QQQ",
            "IBM"};

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicLong seq = new AtomicLong();
    private EmbeddedRedis redis;
    private RedisClient redisClient;
    private StatefulRedisConnection<String, String> pub;
    private HttpServer upstream;
    private RelayServer relay;
    /** Conflates past 300 ms → closed; its bars upstream is a dead port. */
    private RelayServer strict;
    private String channel;
    private String strictChannel;

    @BeforeAll
    void start(EmbeddedRedis redis) throws Exception {
        this.redis = redis;
        redisClient = RedisClient.create(redis.uri());
        pub = redisClient.connect();
        channel = "relay-it:" + System.nanoTime();
        strictChannel = channel + ":strict";

        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", ex -> {
            String path = ex.getRequestURI().getRawPath();
            String query = ex.getRequestURI().getRawQuery();
            byte[] body;
            int status;
            String type = "application/json";
            if (path.equals("/bars/SLOW")) {
                try {
                    Thread.sleep(3000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                status = 200;
                body = "[]".getBytes();
            } else if (path.equals("/bars/BAD")) {
                status = 400;
                type = "application/problem+json";
                body = "{\"title\":\"Bad Request\",\"status\":400,\"detail\":\"bad timeframe\"}".getBytes();
            } else {
                status = 200;
                body = ("{\"path\":\"" + path + "\",\"query\":\"" + (query == null ? "" : query) + "\"}").getBytes();
            }
            ex.getResponseHeaders().add("Content-Type", type);
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        upstream.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        upstream.start();

        relay = RelayServer.start(RelayConfig.fromEnv(Map.of(
                RelayConfig.RELAY_PORT, "0",
                RelayConfig.REDIS_HOST, redis.host(),
                RelayConfig.REDIS_PORT, String.valueOf(redis.port()),
                RelayConfig.REDIS_CHANNEL_TRADES, channel,
                RelayConfig.BARS_API_URL, "http://127.0.0.1:" + upstream.getAddress().getPort(),
                RelayConfig.RELAY_PROXY_TIMEOUT_MS, "1000",
                RelayConfig.RELAY_CLIENT_QUEUE, "1024",
                RelayConfig.RELAY_CLIENT_IN_FLIGHT, "64",
                RelayConfig.RELAY_MAX_CONFLATION_MS, "120000")));
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        strict = RelayServer.start(RelayConfig.fromEnv(Map.of(
                RelayConfig.RELAY_PORT, "0",
                RelayConfig.REDIS_HOST, redis.host(),
                RelayConfig.REDIS_PORT, String.valueOf(redis.port()),
                RelayConfig.REDIS_CHANNEL_TRADES, strictChannel,
                RelayConfig.BARS_API_URL, "http://127.0.0.1:" + deadPort,
                RelayConfig.RELAY_CLIENT_QUEUE, "16",
                RelayConfig.RELAY_CLIENT_IN_FLIGHT, "4",
                RelayConfig.RELAY_MAX_CONFLATION_MS, "300",
                RelayConfig.RELAY_ALLOWED_ORIGINS, "http://good.example")));
        assertThat(relay.awaitRedis(Duration.ofSeconds(120))).isTrue();
        assertThat(strict.awaitRedis(Duration.ofSeconds(120))).isTrue();
    }

    @AfterAll
    void stop() {
        if (relay != null) {
            relay.close();
        }
        if (strict != null) {
            strict.close();
        }
        if (upstream != null) {
            upstream.stop(0);
        }
        if (pub != null) {
            pub.close();
        }
        if (redisClient != null) {
            redisClient.shutdown();
        }
    }

    static String trade(String symbol, long seq) {
        return trade(symbol, seq, "");
    }

    /** A live trade event; {@code pad} goes into an extra field to make it big. */
    static String trade(String symbol, long seq, String pad) {
        return "{\"type\":\"trade\",\"symbol\":\"" + symbol + "\",\"price\":150.25,\"size\":100,"
                + (pad.isEmpty() ? "" : "\"pad\":\"" + pad + "\",")
                + "\"timestamp\":\"2024-01-02T15:00:00.123456789Z\",\"exchange\":\"V\",\"trade_id\":" + seq
                + ",\"conditions\":[\"@\"],\"tape\":\"C\",\"received_at\":" + System.currentTimeMillis() * 1_000_000L
                + "}";
    }

    private void publishAll(String ch, List<String> messages) {
        List<RedisFuture<Long>> futures = new ArrayList<>(messages.size());
        for (String m : messages) {
            futures.add(pub.async().publish(ch, m));
        }
        for (RedisFuture<Long> f : futures) {
            f.toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        }
    }

    private WsClient subscribed(RelayServer server, String... symbols) {
        WsClient c = WsClient.connect(http, server.wsUri());
        c.send("{\"action\":\"subscribe\",\"symbols\":[\"" + String.join("\",\"", symbols) + "\"]}");
        await().atMost(Duration.ofSeconds(60)).until(() -> c.count("subscribed") >= 1);
        return c;
    }

    /** Per-symbol trade_id sequences a client received. */
    private static Map<String, List<Long>> tradesBySymbol(WsClient c) {
        Map<String, List<Long>> out = new HashMap<>();
        for (JsonNode n : c.ofType("trade")) {
            out.computeIfAbsent(n.get("symbol").asText(), k -> new ArrayList<>()).add(n.get("trade_id").asLong());
        }
        return out;
    }

    @Test
    void shouldDeliverExactlyTheirSymbolsInOrderTo200Clients() {
        int clients = 200;
        int perSymbol = 100;
        List<WsClient> all = new ArrayList<>();
        List<List<String>> wanted = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                List<String> mine = new ArrayList<>();
                for (int k = 0; k <= i % 3; k++) {
                    mine.add(SYMBOLS[(i + k * 3) % SYMBOLS.length]);
                }
                wanted.add(mine);
                WsClient c = WsClient.connect(http, relay.wsUri());
                c.send("{\"action\":\"subscribe\",\"symbols\":[\"" + String.join("\",\"", mine) + "\"]}");
                all.add(c);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> all.stream().allMatch(c -> c.count("subscribed") == 1));

            List<String> messages = new ArrayList<>();
            for (int n = 0; n < perSymbol; n++) {
                for (String s : SYMBOLS) {
                    messages.add(trade(s, n));
                }
            }
            publishAll(channel, messages);

            await().atMost(Duration.ofSeconds(120)).until(() -> {
                for (int i = 0; i < clients; i++) {
                    if (all.get(i).count("trade") < (long) wanted.get(i).size() * perSymbol) {
                        return false;
                    }
                }
                return true;
            });
            for (int i = 0; i < clients; i++) {
                Map<String, List<Long>> got = tradesBySymbol(all.get(i));
                assertThat(got.keySet()).as("client %d symbols", i).containsExactlyInAnyOrderElementsOf(wanted.get(i));
                for (List<Long> ids : got.values()) {
                    assertThat(ids).as("client %d order", i).hasSize(perSymbol).isSorted().doesNotHaveDuplicates();
                }
            }
        } finally {
            all.forEach(WsClient::close);
        }
    }

    @Test
    void shouldConflateForASlowClientWhileFastClientsGetEverythingInOrder() throws Exception {
        String[] syms = {"SLOW1", "SLOW2", "SLOW3", "SLOW4", "SLOW5"};
        List<WsClient> fast = new ArrayList<>();
        try (RawWsClient slow = new RawWsClient(relay.wsUri())) {
            slow.sendText("{\"action\":\"subscribe\",\"symbols\":[\"" + String.join("\",\"", syms) + "\"]}");
            for (int i = 0; i < 3; i++) {
                fast.add(subscribed(relay, syms));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> relay.fanOut().subscriberCount("SLOW1") == 4);

            // publish until the slow client (who reads nothing) is conflating, then a little more
            // (each round waits for the fast clients, so only the slow one falls behind)
            long[] next = new long[syms.length];
            String pad = "p".repeat(1000);
            int rounds = 0;
            while (!anyConflating(relay) && rounds < 400) {
                publishRound(syms, next, 40, pad);
                rounds++;
                long sent = Arrays.stream(next).sum();
                await().atMost(Duration.ofSeconds(120)).until(() -> fast.stream().allMatch(c -> c.count("trade") == sent));
            }
            assertThat(anyConflating(relay)).as("slow client conflating after %d rounds", rounds).isTrue();
            publishRound(syms, next, 40, pad);
            long total = 0;
            for (long n : next) {
                total += n;
            }
            long published = total;

            // fast clients: everything, in order, while the slow one is still behind
            await().atMost(Duration.ofSeconds(120)).until(() -> fast.stream().allMatch(c -> c.count("trade") == published));
            assertThat(anyConflating(relay)).isTrue();
            for (WsClient c : fast) {
                Map<String, List<Long>> got = tradesBySymbol(c);
                for (int s = 0; s < syms.length; s++) {
                    assertThat(got.get(syms[s])).hasSize((int) next[s]).isSorted().doesNotHaveDuplicates();
                }
            }

            // the slow client now reads: fewer events, per-symbol order kept, and the latest of each symbol
            Map<String, List<Long>> slowGot = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!hasLast(slowGot, syms, next) && System.nanoTime() < deadline) {
                RawWsClient.Frame f = slow.read();
                assertThat(f).as("slow client stream ended early").isNotNull();
                if (f.opcode() == 1 && f.text().startsWith("{\"type\":\"trade\"")) {
                    JsonNode n = dev.stockpipe.model.Json.MAPPER.readTree(f.payload());
                    slowGot.computeIfAbsent(n.get("symbol").asText(), k -> new ArrayList<>())
                            .add(n.get("trade_id").asLong());
                }
            }
            assertThat(hasLast(slowGot, syms, next)).as("slow client got the latest trade of each symbol").isTrue();
            long slowCount = slowGot.values().stream().mapToLong(List::size).sum();
            assertThat(slowCount).isLessThan(published);
            for (List<Long> ids : slowGot.values()) {
                assertThat(ids).isSorted().doesNotHaveDuplicates();
            }
            assertThat(relay.metrics().conflatedCount()).isPositive();
        } finally {
            fast.forEach(WsClient::close);
        }
    }

    private static boolean hasLast(Map<String, List<Long>> got, String[] syms, long[] next) {
        for (int s = 0; s < syms.length; s++) {
            List<Long> ids = got.get(syms[s]);
            if (ids == null || ids.get(ids.size() - 1) != next[s] - 1) {
                return false;
            }
        }
        return true;
    }

    private void publishRound(String[] syms, long[] next, int perSymbol, String pad) {
        List<String> msgs = new ArrayList<>();
        for (int n = 0; n < perSymbol; n++) {
            for (int s = 0; s < syms.length; s++) {
                msgs.add(trade(syms[s], next[s]++, pad));
            }
        }
        publishAll(channel, msgs);
    }

    private static boolean anyConflating(RelayServer server) {
        return server.fanOut().clients().stream().anyMatch(c -> c.queue().isConflating());
    }

    @Test
    void shouldCloseAClientThatStaysBehindAndKeepServingOthers() throws Exception {
        try (RawWsClient slow = new RawWsClient(strict.wsUri()); WsClient fast = subscribed(strict, "LAG")) {
            slow.sendText("{\"action\":\"subscribe\",\"symbols\":[\"LAG\"]}");
            await().atMost(Duration.ofSeconds(60)).until(() -> strict.fanOut().subscriberCount("LAG") == 2);
            long n = 0;
            String pad = "p".repeat(4000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            // small paced bursts: the fast client keeps up, the slow one (reading nothing) falls behind
            while (strict.fanOut().subscriberCount("LAG") == 2 && System.nanoTime() < deadline) {
                List<String> msgs = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    msgs.add(trade("LAG", n++, pad));
                }
                publishAll(strictChannel, msgs);
                long sent = n;
                await().atMost(Duration.ofSeconds(60)).until(() -> fast.count("trade") == sent);
            }
            assertThat(strict.fanOut().subscriberCount("LAG")).as("slow client dropped, fast one kept").isEqualTo(1);
            long published = n;
            await().atMost(Duration.ofSeconds(60)).until(() -> fast.count("trade") == published);
            assertThat(tradesBySymbol(fast).get("LAG")).isSorted().hasSize((int) published);
            assertThat(scrape(strict)).contains("relay_clients_dropped_total{reason=\"too_slow\"} 1.0");
            // the slow client's stream ends: a close frame saying why, or the connection cut after the grace time
            RawWsClient.Frame f;
            while ((f = readOrNull(slow)) != null && f.opcode() != 8) {
                // drain what was already written
            }
            if (f != null) {
                assertThat(f.closeCode()).isEqualTo(1013);
                assertThat(f.closeReason()).startsWith("too slow");
            }
        }
    }

    private static RawWsClient.Frame readOrNull(RawWsClient c) {
        try {
            return c.read();
        } catch (IOException e) {
            return null; // reset by the relay's forced close
        }
    }

    @Test
    void shouldAnswerBadMessagesWithErrorEventsAndNeverDisturbOthers() throws Exception {
        try (WsClient bystander = subscribed(relay, "BYST"); WsClient bad = WsClient.connect(http, relay.wsUri())) {
            bad.send("garbage {");
            bad.send("{\"action\":\"explode\",\"symbols\":[\"AAPL\"]}");
            StringBuilder many = new StringBuilder("{\"action\":\"subscribe\",\"symbols\":[");
            for (int i = 0; i < 10_000; i++) {
                many.append(i == 0 ? "" : ",").append("\"S").append(i).append('"');
            }
            bad.send(many.append("]}").toString());
            StringBuilder six = new StringBuilder("{\"action\":\"subscribe\",\"symbols\":[");
            for (int i = 0; i < 600; i++) {
                six.append(i == 0 ? "" : ",").append("\"X").append(i).append('"');
            }
            bad.send(six.append("]}").toString());
            bad.sendBinary(new byte[] {1, 2, 3});
            bad.send("{\"action\":\"subscribe\",\"symbols\":[\"DROP TABLE\"]}");
            bad.send("[1,2,3]");
            await().atMost(Duration.ofSeconds(60)).until(() -> bad.count("error") == 7);
            assertThat(bad.ofType("error")).extracting(n -> n.get("code").asText()).containsExactly("bad_json",
                    "unknown_action", "message_too_large", "too_many_symbols", "binary_not_supported",
                    "invalid_symbol", "bad_request");
            assertThat(bad.ofType("error")).allSatisfy(n -> assertThat(n.get("message").asText()).isNotBlank());

            // still open and usable
            bad.send("{\"action\":\"subscribe\",\"symbols\":[\"BYST\"]}");
            await().atMost(Duration.ofSeconds(60)).until(() -> bad.count("subscribed") == 1);
            publishAll(channel, List.of(trade("BYST", 1), trade("BYST", 2)));
            await().atMost(Duration.ofSeconds(60)).until(() -> bad.count("trade") == 2 && bystander.count("trade") == 2);
            assertThat(bad.closed).isNotDone();
            assertThat(tradesBySymbol(bystander).get("BYST")).containsExactly(1L, 2L);
        }
    }

    @Test
    void shouldCloseCleanlyOnAFrameAboveTheHardLimitAndOnFlooding() throws Exception {
        try (RawWsClient huge = new RawWsClient(relay.wsUri()); WsClient flood = WsClient.connect(http, relay.wsUri());
             WsClient bystander = subscribed(relay, "CALM")) {
            huge.sendText("{\"x\":\"" + "a".repeat(RelayConfig.HARD_MAX_FRAME_BYTES + 10) + "\"}");
            RawWsClient.Frame closeFrame = huge.read();
            assertThat(closeFrame).isNotNull();
            assertThat(closeFrame.opcode()).isEqualTo(8);
            assertThat(closeFrame.closeCode()).isEqualTo(1009);

            for (int i = 0; i < 150 && !flood.closed.isDone(); i++) {
                try {
                    flood.send("{\"action\":\"ping\"}");
                } catch (RuntimeException e) {
                    break; // output closed by the server's close
                }
            }
            assertThat(flood.closed.orTimeout(20, TimeUnit.SECONDS).join()).isEqualTo(1008);
            assertThat(flood.closeReason).contains("flooding");
            assertThat(flood.count("error")).isEqualTo(1); // one rate_limited warning, then the close

            publishAll(channel, List.of(trade("CALM", 1)));
            await().atMost(Duration.ofSeconds(60)).until(() -> bystander.count("trade") == 1);
        }
    }

    @Test
    void shouldSendTheLastKnownTradeOnSubscribe() throws Exception {
        String hash = Channels.latestTradesHashFor(channel);
        pub.sync().hset(hash, "SNAP", trade("SNAP", 41));
        try (WsClient c = subscribed(relay, "SNAP", "NOSNAP")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> c.count("trade") == 1);
            List<String> msgs = new ArrayList<>(c.messages);
            assertThat(msgs.get(0)).isEqualTo("{\"type\":\"subscribed\",\"symbols\":[\"NOSNAP\",\"SNAP\"]}");
            assertThat(dev.stockpipe.model.Json.MAPPER.readTree(msgs.get(1)).get("trade_id").asLong()).isEqualTo(41);
            publishAll(channel, List.of(trade("SNAP", 42)));
            await().atMost(Duration.ofSeconds(60)).until(() -> c.count("trade") == 2);
            assertThat(tradesBySymbol(c).get("SNAP")).containsExactly(41L, 42L);
        }
    }

    @Test
    void shouldRefuseBrowsersFromOriginsNotAllowed() {
        WsClient good = new WsClient();
        http.newWebSocketBuilder().header("Origin", "http://good.example").buildAsync(strict.wsUri(), good)
                .orTimeout(60, TimeUnit.SECONDS).join();
        good.close();
        assertThat(good.closed.getNow(0)).isNotEqualTo(1008);

        WsClient evil = new WsClient();
        // Micronaut's CORS filter answers 403 to the upgrade; had it passed, PriceSocket would close with 1008
        Throwable refused = http.newWebSocketBuilder().header("Origin", "http://evil.example")
                .buildAsync(strict.wsUri(), evil).orTimeout(60, TimeUnit.SECONDS)
                .handle((ws, e) -> e).join();
        if (refused == null) {
            assertThat(evil.closed.orTimeout(20, TimeUnit.SECONDS).join()).isEqualTo(1008);
            assertThat(evil.closeReason).contains("origin");
        } else {
            assertThat(refused).hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class);
            assertThat(((java.net.http.WebSocketHandshakeException) refused.getCause()).getResponse().statusCode())
                    .isEqualTo(403);
        }
    }

    private HttpResponse<String> get(RelayServer server, String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.httpUri() + pathAndQuery)).GET()
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldProxyBarsWithQueryStringsAndStatusesPassedThrough() throws Exception {
        HttpResponse<String> r = get(relay, "/api/bars/AAPL?timeframe=5Min&limit=10");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"path\":\"/bars/AAPL\",\"query\":\"timeframe=5Min&limit=10\"}");
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");

        r = get(relay, "/api/bars/AAPL/range?start=2024-01-02&end=2024-01-03T00:00:00Z");
        assertThat(r.body()).isEqualTo("{\"path\":\"/bars/AAPL/range\",\"query\":\"start=2024-01-02&end=2024-01-03T00:00:00Z\"}");

        r = get(relay, "/api/bars/latest");
        assertThat(r.body()).isEqualTo("{\"path\":\"/bars/latest\",\"query\":\"\"}");

        r = get(relay, "/api/bars/BAD?timeframe=7Min");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(r.body()).contains("bad timeframe");
    }

    @Test
    void shouldAnswer504WhenTheUpstreamIsSlowAnd502WhenItIsDown() throws Exception {
        HttpResponse<String> slow = get(relay, "/api/bars/SLOW");
        assertThat(slow.statusCode()).isEqualTo(504);
        assertThat(slow.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(slow.body()).contains("\"status\":504");

        HttpResponse<String> down = get(strict, "/api/bars/AAPL");
        assertThat(down.statusCode()).isEqualTo(502);
        assertThat(down.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(down.body()).contains("\"status\":502").contains("unreachable");
    }

    @Test
    void shouldReportHealthAndPrometheusMetrics() throws Exception {
        HttpResponse<String> h = get(relay, "/health");
        assertThat(h.statusCode()).isEqualTo(200);
        JsonNode health = dev.stockpipe.model.Json.MAPPER.readTree(h.body());
        assertThat(health.get("redis").get("status").asText()).isEqualTo("UP");

        HttpResponse<String> hs = get(strict, "/health");
        assertThat(dev.stockpipe.model.Json.MAPPER.readTree(hs.body()).get("bars_upstream").get("status").asText())
                .isEqualTo("DOWN");

        try (WsClient c = subscribed(relay, "METRIC")) {
            publishAll(channel, List.of(trade("METRIC", 1)));
            await().atMost(Duration.ofSeconds(60)).until(() -> c.count("trade") == 1);
            pub.sync().publish(channel, "this is not an event");
            String m = scrape(relay);
            assertThat(m).contains("relay_clients ").contains("relay_events_sent_total")
                    .contains("relay_events_conflated_total").contains("relay_fanout_latency_seconds_bucket")
                    .contains("relay_bridge_latency_seconds_count");
            await().atMost(Duration.ofSeconds(60)).until(() -> scrape(relay).contains("relay_redis_bad_messages_total 1.0")
                    || scrape(relay).matches("(?s).*relay_redis_bad_messages_total [1-9].*"));
        }
    }

    private String scrape(RelayServer server) throws Exception {
        HttpResponse<String> r = get(server, "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        return r.body();
    }
}

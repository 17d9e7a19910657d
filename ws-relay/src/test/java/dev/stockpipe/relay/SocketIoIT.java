package dev.stockpipe.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.stockpipe.localstack.EmbeddedRedis;
import dev.stockpipe.model.Json;
import dev.stockpipe.testsupport.TestStackExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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

/**
 * Socket.IO at /socket.io/ on the relay's port, against the real {@code socket.io-client} 4.x in Node (see
 * {@link SioDriver}) and raw HTTP / WebSocket clients for the bad input, with live events published on a real
 * Redis.
 */
@ExtendWith(TestStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class SocketIoIT {
    private static final Duration WAIT = Duration.ofSeconds(120);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicLong seq = new AtomicLong(1_000);
    private RedisClient redisClient;
    private StatefulRedisConnection<String, String> pub;
    private RelayServer relay;
    private String channel;
    private String url;

    @BeforeAll
    void start(EmbeddedRedis redis) throws Exception {
        redisClient = RedisClient.create(redis.uri());
        pub = redisClient.connect();
        channel = "sio-it:" + System.nanoTime();
        Map<String, String> env = new HashMap<>();
        env.put(RelayConfig.RELAY_PORT, "0");
        env.put(RelayConfig.REDIS_HOST, redis.host());
        env.put(RelayConfig.REDIS_PORT, String.valueOf(redis.port()));
        env.put(RelayConfig.REDIS_CHANNEL_TRADES, channel);
        env.put(RelayConfig.BARS_API_URL, "http://127.0.0.1:9");
        env.put(RelayConfig.RELAY_MAX_CONFLATION_MS, "120000");
        // short heartbeats, so the tests see pings answered and silent sessions expire; patient pong timeout
        // because this machine is shared
        env.put(RelayConfig.RELAY_SIO_PING_INTERVAL_MS, "2000");
        env.put(RelayConfig.RELAY_SIO_PING_TIMEOUT_MS, "10000");
        relay = RelayServer.start(RelayConfig.fromEnv(env));
        assertThat(relay.awaitRedis(WAIT)).isTrue();
        url = relay.httpUri().toString();
    }

    @AfterAll
    void stop() {
        if (relay != null) {
            relay.close();
        }
        if (pub != null) {
            pub.close();
        }
        if (redisClient != null) {
            redisClient.shutdown();
        }
    }

    @Test
    void shouldUpgradeFromPollingToWebSocketAndDeliverExactlyTheSubscribedTradesInOrder() throws Exception {
        try (SioDriver node = new SioDriver("upgrade")) {
            node.open("a", url, null, null);
            // the same client kept on long-polling (upgrade: false), so polling delivery is checked at length
            node.send(node.cmd("open", "p").put("url", url).put("upgrade", false));
            await().atMost(WAIT).until(() -> !node.events("a", "connect").isEmpty()
                    && !node.events("p", "connect").isEmpty());
            assertThat(node.events("a", "open").get(0).path("transport").asText()).isEqualTo("polling");
            assertThat(node.events("p", "open").get(0).path("transport").asText()).isEqualTo("polling");
            for (String id : List.of("a", "p")) {
                node.emit(id, "subscribe", Json.MAPPER.valueToTree(List.of("AAPL", "msft")), "sub");
            }
            await().atMost(WAIT).until(() -> !node.events("a", "ack").isEmpty() && !node.events("p", "ack").isEmpty());
            JsonNode ack = node.events("a", "ack").get(0).path("reply");
            assertThat(ack.path("type").asText()).isEqualTo("subscribed");
            assertThat(ack.path("symbols")).extracting(JsonNode::asText).containsExactly("AAPL", "MSFT");

            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < 90; i++) {
                String symbol = new String[] {"AAPL", "MSFT", "GOOGL"}[i % 3];
                long n = seq.incrementAndGet();
                if (!symbol.equals("GOOGL")) {
                    expected.add(n);
                }
                pub.sync().publish(channel, RelayIT.trade(symbol, n));
                if (i % 10 == 0) {
                    Thread.sleep(50); // spread over several polls
                }
            }
            await().atMost(WAIT).until(() -> node.events("a", "trade").size() >= expected.size()
                    && node.events("p", "trade").size() >= expected.size());
            for (String id : List.of("a", "p")) {
                List<JsonNode> trades = node.events(id, "trade");
                assertThat(trades).as(id).extracting(t -> t.path("n").asLong()).containsExactlyElementsOf(expected);
                assertThat(trades).allSatisfy(t -> assertThat(t.path("complete").asBoolean()).isTrue());
                assertThat(trades).extracting(t -> t.path("symbol").asText()).containsOnly("AAPL", "MSFT");
            }
            assertThat(node.events("a", "upgrade")).extracting(u -> u.path("transport").asText())
                    .containsExactly("websocket");
            assertThat(node.events("a", "trade").get(expected.size() - 1).path("transport").asText())
                    .isEqualTo("websocket");
            assertThat(node.events("p", "trade")).extracting(t -> t.path("transport").asText()).containsOnly("polling");
            assertThat(node.events("p", "upgrade")).isEmpty();
        }
    }

    @Test
    void shouldServeWebSocketOnlyClientsAndStopTradesAfterUnsubscribe() throws Exception {
        try (SioDriver node = new SioDriver("ws-only")) {
            node.open("w", url, List.of("websocket"), List.of("TSLA"));
            await().atMost(WAIT).until(() -> !node.events("w", "subscribed").isEmpty());
            assertThat(node.events("w", "connect").get(0).path("transport").asText()).isEqualTo("websocket");
            node.emit("w", "subscribe", TextNode.valueOf("IBM"), null);
            await().atMost(WAIT).until(() -> node.events("w", "subscribed").size() >= 2);
            long t1 = publish("TSLA");
            long i1 = publish("IBM");
            await().atMost(WAIT).until(() -> node.events("w", "trade").size() >= 2);
            node.emit("w", "unsubscribe", TextNode.valueOf("TSLA"), "unsub");
            await().atMost(WAIT).until(() -> !node.events("w", "ack").isEmpty());
            assertThat(node.events("w", "ack").get(0).path("reply").path("symbols"))
                    .extracting(JsonNode::asText).containsExactly("IBM");
            publish("TSLA");
            publish("TSLA");
            long i2 = publish("IBM"); // a marker behind the TSLA trades: when it arrives, they would have too
            await().atMost(WAIT).until(() -> node.events("w", "trade").size() >= 3);
            assertThat(node.events("w", "trade")).extracting(t -> t.path("n").asLong()).containsExactly(t1, i1, i2);
        }
    }

    @Test
    void shouldServeAHundredClientsAtOnceWithExactlyTheirSymbols() throws Exception {
        String[] symbols = {"AAPL", "MSFT", "GOOGL", "AMZN", "NVDA"};
        int clients = 100;
        try (SioDriver node = new SioDriver("hundred")) {
            Map<String, List<String>> subs = new HashMap<>();
            for (int c = 0; c < clients; c++) {
                List<String> mine = c % 10 == 0 ? List.of(symbols[c % 5], symbols[(c + 1) % 5]) : List.of(symbols[c % 5]);
                String id = "c" + c;
                subs.put(id, mine);
                node.open(id, url, c % 2 == 0 ? List.of("websocket") : null, mine);
            }
            await().atMost(Duration.ofSeconds(300)).until(() ->
                    node.select(e -> e.path("ev").asText().equals("subscribed")).size() >= clients);
            Map<String, List<Long>> bySymbol = new HashMap<>();
            for (int k = 0; k < 20; k++) {
                for (String s : symbols) {
                    bySymbol.computeIfAbsent(s, x -> new ArrayList<>()).add(publish(s));
                }
            }
            for (Map.Entry<String, List<String>> e : subs.entrySet()) {
                List<Long> want = new ArrayList<>();
                for (String s : e.getValue()) {
                    want.addAll(bySymbol.get(s));
                }
                want.sort(Long::compare); // published in increasing sequence, so arrival order = sorted order
                await().atMost(Duration.ofSeconds(300)).until(() -> node.events(e.getKey(), "trade").size() >= want.size());
                assertThat(node.events(e.getKey(), "trade")).as(e.getKey() + " " + e.getValue())
                        .extracting(t -> t.path("n").asLong()).containsExactlyElementsOf(want);
            }
            assertThat(node.select(e -> e.path("ev").asText().equals("disconnect"))).isEmpty();
        }
    }

    @Test
    void shouldResumeAfterTheConnectionDropsAndAfterDisconnectAndConnect() throws Exception {
        try (SioDriver node = new SioDriver("resume")) {
            node.open("r", url, null, List.of("META"));
            await().atMost(WAIT).until(() -> !node.events("r", "subscribed").isEmpty());
            long first = publish("META");
            await().atMost(WAIT).until(() -> node.events("r", "trade").size() >= 1);

            node.send(node.cmd("dropTransport", "r"));
            await().atMost(WAIT).until(() -> node.events("r", "subscribed").size() >= 2);
            assertThat(node.events("r", "connect")).hasSize(2);
            long second = publish("META");
            await().atMost(WAIT).until(() -> node.events("r", "trade").size() >= 2);

            // the relay drops it (as on flooding or shutdown): an error event says why, the client reconnects
            for (dev.stockpipe.relay.core.RelayClient c : relay.fanOut().clients()) {
                if (c.symbols().contains("META")) {
                    relay.fanOut().drop(c, dev.stockpipe.relay.core.CloseCodes.GOING_AWAY, "relay restarting",
                            "test", null);
                }
            }
            await().atMost(WAIT).until(() -> node.events("r", "subscribed").size() >= 3);
            assertThat(node.events("r", "error")).extracting(e -> e.path("code").asText()).containsExactly("closed");
            long third = publish("META");
            await().atMost(WAIT).until(() -> node.events("r", "trade").size() >= 3);

            node.send(node.cmd("disconnect", "r"));
            await().atMost(WAIT).until(() -> node.events("r", "disconnect").size() >= 3);
            node.send(node.cmd("connect", "r"));
            await().atMost(WAIT).until(() -> node.events("r", "subscribed").size() >= 4);
            long fourth = publish("META");
            await().atMost(WAIT).until(() -> node.events("r", "trade").size() >= 4);
            assertThat(node.events("r", "trade")).extracting(t -> t.path("n").asLong())
                    .containsExactly(first, second, third, fourth);
            // forced close = the client's own transport broke; transport close = the relay ended it
            assertThat(node.events("r", "disconnect")).extracting(d -> d.path("reason").asText())
                    .containsExactly("forced close", "transport close", "io client disconnect");
        }
    }

    @Test
    void shouldAnswerBadEventsWithErrorsWhileOtherClientsKeepGettingTrades() throws Exception {
        try (SioDriver node = new SioDriver("bad-events")) {
            node.open("good", url, List.of("websocket"), List.of("QQQ"));
            node.open("bad", url, null, null);
            await().atMost(WAIT).until(() -> !node.events("good", "subscribed").isEmpty()
                    && !node.events("bad", "connect").isEmpty());
            node.emit("bad", "subscribe", Json.MAPPER.valueToTree(42), "number");
            node.emit("bad", "subscribe", Json.MAPPER.valueToTree(Map.of("symbol", "AAPL")), null);
            node.emit("bad", "unsubscribe", null, "nothing");
            node.emit("bad", "subscribe", TextNode.valueOf("NOT A SYMBOL!"), null);
            node.emit("bad", "buy", TextNode.valueOf("AAPL"), "unknown");
            await().atMost(WAIT).until(() -> node.events("bad", "error").size() >= 5
                    && node.events("bad", "ack").size() >= 3);
            assertThat(node.events("bad", "error")).extracting(e -> e.path("code").asText())
                    .containsExactly("invalid_symbol", "invalid_symbol", "invalid_symbol", "invalid_symbol",
                            "unknown_event");
            assertThat(node.events("bad", "ack")).extracting(a -> a.path("reply").path("type").asText())
                    .containsOnly("error");
            long q = publish("QQQ");
            await().atMost(WAIT).until(() -> !node.events("good", "trade").isEmpty());
            assertThat(node.events("good", "trade").get(0).path("n").asLong()).isEqualTo(q);
            assertThat(node.select(e -> e.path("ev").asText().equals("disconnect"))).isEmpty();
        }
    }

    @Test
    void shouldRefuseForgedSessionsAndMalformedPacketsWithTheProtocolsAnswers() throws Exception {
        String base = url + "/socket.io/?EIO=4&transport=polling";
        HttpResponse<String> forgedGet = get(base + "&sid=forged");
        assertThat(forgedGet.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(forgedGet.body()).path("code").asInt()).isEqualTo(1);
        assertThat(Json.MAPPER.readTree(forgedGet.body()).path("message").asText()).isEqualTo("Session ID unknown");
        HttpResponse<String> forgedPost = post(base + "&sid=forged", "40");
        assertThat(forgedPost.statusCode()).isEqualTo(400);
        assertThat(forgedPost.body()).contains("\"code\":1");
        assertThat(get(url + "/socket.io/?EIO=3&transport=polling").body()).contains("\"code\":5");
        assertThat(get(url + "/socket.io/?EIO=4&transport=carrier-pigeon").body()).contains("\"code\":0");

        // a real session, then garbage: each bad packet becomes an error event, the session stays usable
        String sid = handshake(base);
        assertThat(post(base + "&sid=" + sid, "40").body()).isEqualTo("ok");
        assertThat(poll(base, sid)).startsWith("40{\"sid\":");
        assertThat(post(base + "&sid=" + sid, "9nonsense\u001e4x\u001e42not json\u001e42[1,2]\u001e").statusCode())
                .isEqualTo(200);
        List<String> errors = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            for (String p : poll(base, sid).split("\u001e")) {
                if (p.startsWith("42[\"error\"")) {
                    errors.add(p);
                }
            }
            return errors.size() >= 5;
        });
        assertThat(errors).allSatisfy(e -> assertThat(e).contains("\"code\":\"bad_packet\""));
        // too large a POST is refused and ends the session
        HttpResponse<String> big = post(base + "&sid=" + sid, "42[\"subscribe\",\"" + "A".repeat(150_000) + "\"]");
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(get(base + "&sid=" + sid).statusCode()).isEqualTo(400);

        // a WebSocket with a forged sid is closed with the reason
        WsClient ws = WsClient.connect(http, URI.create(relay.wsUri().toString()
                .replace("/ws", "/socket.io/?EIO=4&transport=websocket&sid=forged")));
        assertThat(ws.closed.get(60, TimeUnit.SECONDS)).isEqualTo(1008);
        assertThat(ws.closeReason).contains("Session ID unknown");

        // WebSocket-only by hand: open packet, connect, garbage → error events, then a good subscribe works
        WsClient raw = WsClient.connect(http, URI.create(relay.wsUri().toString()
                .replace("/ws", "/socket.io/?EIO=4&transport=websocket")));
        await().atMost(WAIT).until(() -> !raw.messages.isEmpty());
        assertThat(raw.messages.peek()).startsWith("0{\"sid\":").contains("\"upgrades\":[]");
        raw.send("40");
        raw.send("");
        raw.send("4");
        raw.send("42[\"subscribe\",[\"AAPL\",7]]");
        raw.send("421[\"subscribe\",\"SPY\"]");
        await().atMost(WAIT).until(() -> raw.messages.stream().anyMatch(m -> m.startsWith("431[")));
        assertThat(raw.messages.stream().filter(m -> m.startsWith("42[\"error\"")).count()).isEqualTo(3);
        assertThat(raw.messages.stream().filter(m -> m.startsWith("431[")).findFirst().orElseThrow())
                .isEqualTo("431[{\"type\":\"subscribed\",\"symbols\":[\"SPY\"]}]");
        long spy = publish("SPY");
        await().atMost(WAIT).until(() -> raw.messages.stream().anyMatch(m -> m.startsWith("42[\"trade\"")));
        assertThat(raw.messages.stream().filter(m -> m.startsWith("42[\"trade\"")).findFirst().orElseThrow())
                .startsWith("42[\"trade\",{\"type\":\"trade\",\"symbol\":\"SPY\"").contains("\"trade_id\":" + spy);
        raw.close();
    }

    @Test
    void shouldExpireSessionsThatStopAnsweringPingsWithBoundedBuffers() throws Exception {
        String base = url + "/socket.io/?EIO=4&transport=polling";
        int before = relay.fanOut().clientCount();
        String sid = handshake(base);
        post(base + "&sid=" + sid, "40");
        poll(base, sid);
        post(base + "&sid=" + sid, "42[\"subscribe\",\"NFLX\"]");
        await().atMost(WAIT).until(() -> relay.fanOut().subscriberCount("NFLX") == 1);
        // the client stops polling and answering pings while trades keep coming
        for (int i = 0; i < 2000; i++) {
            pub.async().publish(channel, RelayIT.trade("NFLX", seq.incrementAndGet()));
        }
        await().atMost(WAIT).until(() -> relay.fanOut().subscriberCount("NFLX") == 0);
        await().atMost(WAIT).until(() -> relay.fanOut().clientCount() == before);
        assertThat(get(base + "&sid=" + sid).statusCode()).isEqualTo(400);
    }

    private long publish(String symbol) {
        long n = seq.incrementAndGet();
        pub.sync().publish(channel, RelayIT.trade(symbol, n));
        return n;
    }

    private String handshake(String base) throws Exception {
        HttpResponse<String> open = get(base);
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.body()).startsWith("0{");
        return Json.MAPPER.readTree(open.body().substring(1)).path("sid").asText();
    }

    private String poll(String base, String sid) throws Exception {
        return get(base + "&sid=" + sid).body();
    }

    private HttpResponse<String> get(String uri) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(String uri, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}

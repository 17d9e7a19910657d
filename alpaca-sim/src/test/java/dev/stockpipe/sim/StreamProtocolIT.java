package dev.stockpipe.sim;

import static dev.stockpipe.sim.client.ProtocolClient.error;
import static dev.stockpipe.sim.client.ProtocolClient.map;
import static dev.stockpipe.sim.client.ProtocolClient.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stockpipe.sim.client.ProtocolClient;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The stream protocol seen by a client that knows only the reference (§2, §3, §6, §12). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamProtocolIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static AlpacaSimulator sim;
    private final List<ProtocolClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        sim = AlpacaSimulator.builder().seed(7L).symbols(List.of("AAPL", "MSFT", "GOOGL"))
                .tradesPerSecond(300).correctionRate(0.05).cancelRate(0.05).lateRate(0.0)
                .authTimeout(Duration.ofMillis(1500)).connectionLimit(1).start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(ProtocolClient::close);
        await().atMost(WAIT).until(() -> sim.stats().connections() == 0);
    }

    private ProtocolClient open(String feed, boolean msgpack) {
        ProtocolClient c = ProtocolClient.connect(sim.streamUri(feed), msgpack);
        clients.add(c);
        return c;
    }

    private ProtocolClient authed(String feed, boolean msgpack) {
        ProtocolClient c = open(feed, msgpack);
        c.auth("test", "test");
        await().atMost(WAIT).until(() -> c.has(success("authenticated")));
        return c;
    }

    @ParameterizedTest(name = "msgpack={0}")
    @ValueSource(booleans = {false, true})
    void shouldAcceptAuthRacingTheGreetingThenStreamSubscribedTradesCorrectionsAndCancels(boolean msgpack) {
        ProtocolClient c = open("iex", msgpack);
        c.auth("test", "test"); // sent at once, before reading the greeting (§12.1)
        await().atMost(WAIT).until(() -> c.messages.size() >= 2);
        assertThat(c.messages.get(0)).isEqualTo(map("T", "success", "msg", "connected"));
        assertThat(c.messages.get(1)).isEqualTo(map("T", "success", "msg", "authenticated"));

        c.send(map("action", "subscribe", "trades", List.of("AAPL", "MSFT"), "bars", List.of("*")));
        await().atMost(WAIT).until(() -> !c.ofType("subscription").isEmpty());
        Map<String, Object> sub = c.ofType("subscription").get(0);
        assertThat(sub.keySet()).containsExactly("T", "trades", "quotes", "bars", "updatedBars", "dailyBars",
                "statuses", "lulds", "corrections", "cancelErrors");
        assertThat(sub.get("trades")).isEqualTo(List.of("AAPL", "MSFT"));
        assertThat(sub.get("corrections")).isEqualTo(List.of("AAPL", "MSFT"));
        assertThat(sub.get("cancelErrors")).isEqualTo(List.of("AAPL", "MSFT"));
        assertThat(sub.get("bars")).isEqualTo(List.of("*"));
        assertThat(sub.get("quotes")).isEqualTo(List.of());

        await().atMost(Duration.ofSeconds(60)).until(() -> c.ofType("t").size() > 50
                && !c.ofType("c").isEmpty() && !c.ofType("x").isEmpty());
        for (Map<String, Object> t : c.ofType("t")) {
            assertThat(t.get("S")).isIn("AAPL", "MSFT");
            if (msgpack) {
                assertThat(t.get("t")).isInstanceOf(Instant.class); // ext -1 timestamp (§12.6)
                assertThat(t.get("p")).isInstanceOf(Double.class);  // float64, never float32
            } else {
                assertThat(Instant.parse((String) t.get("t"))).isNotNull();
            }
        }
        assertThat(new ArrayList<>(c.firstKeyIsT)).doesNotContain(false);
        for (List<Map<String, Object>> frame : c.frameSnapshot()) {
            Object type = frame.get(0).get("T");
            if (List.of("success", "error", "subscription").contains(type)) {
                assertThat(frame).hasSize(1); // control messages come alone
            }
        }
        // Corrections and cancels refer to earlier trades of the same (symbol, exchange), as the ground truth records them.
        List<SimTrade> truth = sim.groundTruth().trades();
        for (Map<String, Object> x : c.ofType("x")) {
            assertThat(truth).anyMatch(t -> t.trade().symbol().equals(x.get("S")) && t.trade().exchange().equals(x.get("x"))
                    && t.trade().id() == ((Number) x.get("i")).longValue() && t.updateMark().equals("canceled"));
        }
        for (Map<String, Object> k : c.ofType("c")) {
            assertThat(truth).anyMatch(t -> t.trade().symbol().equals(k.get("S")) && t.trade().exchange().equals(k.get("x"))
                    && t.trade().id() == ((Number) k.get("oi")).longValue() && "incorrect".equals(t.updateMark()));
            assertThat(truth).anyMatch(t -> t.trade().symbol().equals(k.get("S")) && t.replacement()
                    && t.trade().id() == ((Number) k.get("ci")).longValue());
        }
    }

    @Test
    void shouldAuthenticateFromUpgradeHeaders() {
        ProtocolClient c = ProtocolClient.connect(sim.streamUri("iex"), false,
                Map.of("APCA-API-KEY-ID", "test", "APCA-API-SECRET-KEY", "test"));
        clients.add(c);
        await().atMost(WAIT).until(() -> c.messages.size() >= 2);
        assertThat(c.messages.get(0)).isEqualTo(map("T", "success", "msg", "connected"));
        assertThat(c.messages.get(1)).isEqualTo(map("T", "success", "msg", "authenticated"));
    }

    @Test
    void shouldAnswer401ToSubscribeBeforeAuthAndStayOpen() {
        ProtocolClient c = open("iex", false);
        c.send(map("action", "subscribe", "trades", List.of("AAPL")));
        await().atMost(WAIT).until(() -> c.has(error(401)));
        assertThat(c.ofType("error").get(0).get("msg")).isEqualTo("not authenticated");
        c.auth("test", "test");
        await().atMost(WAIT).until(() -> c.has(success("authenticated")));
    }

    @ParameterizedTest(name = "msgpack={0}")
    @ValueSource(booleans = {false, true})
    void shouldAnswer402AndCloseOnBadCredentials(boolean msgpack) {
        ProtocolClient c = open("iex", msgpack);
        c.auth("test", "wrong");
        await().atMost(WAIT).until(() -> c.has(error(402)) && c.isClosed());
        assertThat(c.ofType("error").get(0).get("msg")).isEqualTo("auth failed");
    }

    @Test
    void shouldAnswer403ToSecondAuthAndStayOpen() {
        ProtocolClient c = authed("iex", false);
        c.auth("test", "test");
        await().atMost(WAIT).until(() -> c.has(error(403)));
        c.send(map("action", "subscribe", "bars", List.of("AAPL")));
        await().atMost(WAIT).until(() -> !c.ofType("subscription").isEmpty());
    }

    @Test
    void shouldAnswer404AndCloseWhenAuthNeverComes() {
        ProtocolClient c = open("iex", false);
        await().atMost(WAIT).until(() -> c.has(error(404)) && c.isClosed());
        assertThat(c.ofType("error").get(0).get("msg")).isEqualTo("auth timeout");
    }

    @Test
    void shouldAnswer405AndKeepTheSetWhenOverTheSymbolLimit() {
        ProtocolClient c = authed("iex", false);
        c.send(map("action", "subscribe", "trades", List.of("AAPL")));
        await().atMost(WAIT).until(() -> c.ofType("subscription").size() == 1);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            many.add("SYM" + (char) ('A' + i % 26) + (char) ('A' + i / 26));
        }
        c.send(map("action", "subscribe", "quotes", many)); // 31 with AAPL: Basic allows 30
        await().atMost(WAIT).until(() -> c.has(error(405)));
        c.send(map("action", "subscribe", "bars", List.of("MSFT")));
        await().atMost(WAIT).until(() -> c.ofType("subscription").size() == 2);
        Map<String, Object> sub = c.ofType("subscription").get(1);
        assertThat(sub.get("trades")).isEqualTo(List.of("AAPL"));
        assertThat(sub.get("quotes")).isEqualTo(List.of());
    }

    @Test
    void shouldAnswer406ToASecondSessionOnTheSameKeyAndFeed() {
        authed("iex", false);
        ProtocolClient second = open("iex", false);
        second.auth("test", "test");
        await().atMost(WAIT).until(() -> second.has(error(406)));
        assertThat(second.ofType("error").get(0).get("msg")).isEqualTo("connection limit exceeded");
        assertThat(second.isClosed()).isFalse();
        ProtocolClient otherFeed = authed("test", false); // the limit is per endpoint
        assertThat(otherFeed.has(success("authenticated"))).isTrue();
    }

    @Test
    void shouldAnswer409OnAFeedOutsideThePlan() {
        ProtocolClient c = open("sip", false);
        c.auth("test", "test");
        await().atMost(WAIT).until(() -> c.has(error(409)) && c.isClosed());
        assertThat(c.ofType("error").get(0).get("msg")).isEqualTo("insufficient subscription");
    }

    @Test
    void shouldAnswer410ForAChannelTheFeedDoesNotOffer() {
        ProtocolClient c = authed("iex", false);
        c.send(map("action", "subscribe", "imbalances", List.of("AAPL")));
        await().atMost(WAIT).until(() -> c.has(error(410)));
        assertThat(c.ofType("error").get(0).get("msg")).isEqualTo("invalid subscribe action for this feed");
        assertThat(c.isClosed()).isFalse();
    }

    @Test
    void shouldAnswer400ToBadInputStayOpenAndLeaveOtherClientsUnaffected() {
        ProtocolClient bystander = authed("test", true);
        bystander.send(map("action", "subscribe", "trades", List.of("*")));
        ProtocolClient c = authed("iex", false);
        c.sendText("this is not json");
        c.sendText("[1,2,3]");
        c.sendText("{\"action\":\"dance\"}");
        c.sendText("{\"action\":\"subscribe\",\"trades\":[\"not a symbol!\"]}");
        c.sendText("{\"action\":\"subscribe\",\"trades\":\"AAPL\"}");
        c.sendText("{\"action\":\"subscribe\",\"trades\":[\"" + "A".repeat(2 * 1024 * 1024) + "\"]}"); // oversize
        c.sendBinary(new byte[] {(byte) 0xc1, 0x00, 0x13}); // not MessagePack
        await().atMost(WAIT).until(() -> c.ofType("error").size() == 7);
        assertThat(c.ofType("error")).allMatch(error(400)).allMatch(e -> e.get("msg").equals("invalid syntax"));
        c.send(map("action", "subscribe", "trades", List.of("AAPL")));
        await().atMost(WAIT).until(() -> !c.ofType("subscription").isEmpty());
        int before = bystander.ofType("t").size();
        await().atMost(WAIT).until(() -> bystander.ofType("t").size() > before + 10);
        assertThat(c.isClosed()).isFalse();
    }

    @Test
    void shouldAcceptFragmentedMessagesAndMsgpackClientFrames() {
        ProtocolClient c = open("iex", true);
        c.sendBinary(ProtocolClient.pack(map("action", "auth", "key", "test", "secret", "test")));
        await().atMost(WAIT).until(() -> c.has(success("authenticated")));
        ProtocolClient j = open("test", false);
        j.auth("test", "test");
        await().atMost(WAIT).until(() -> j.has(success("authenticated")));
        j.sendTextFragments("{\"action\":\"subscribe\",\"tra", "des\":[\"AAPL\"],\"bars\":[\"MSFT\"]}");
        await().atMost(WAIT).until(() -> !j.ofType("subscription").isEmpty());
        assertThat(j.ofType("subscription").get(0).get("trades")).isEqualTo(List.of("AAPL"));
    }

    @Test
    void shouldAnswerClientPingsPromptlyWhileStreaming() {
        ProtocolClient c = authed("iex", false);
        c.send(map("action", "subscribe", "trades", List.of("*"), "quotes", List.of("*")));
        await().atMost(WAIT).until(() -> c.ofType("t").size() > 10);
        for (int i = 1; i <= 5; i++) {
            c.ping();
            int want = i;
            await().atMost(Duration.ofSeconds(5)).until(() -> c.pongs.get() >= want); // the JS SDK's 5 s (§12.7)
        }
    }

    @Test
    void shouldUnsubscribeAsADeltaAndStopSending() {
        ProtocolClient c = authed("iex", false);
        c.send(map("action", "subscribe", "trades", List.of("AAPL", "MSFT")));
        c.send(map("action", "unsubscribe", "trades", List.of("MSFT")));
        await().atMost(WAIT).until(() -> c.ofType("subscription").size() == 2);
        assertThat(c.ofType("subscription").get(1).get("trades")).isEqualTo(List.of("AAPL"));
        c.send(map("action", "unsubscribe", "trades", List.of("AAPL")));
        await().atMost(WAIT).until(() -> c.ofType("subscription").size() == 3);
        int after = c.messages.size();
        await().pollDelay(Duration.ofMillis(500)).atMost(WAIT).until(() -> true);
        List<Map<String, Object>> all = c.snapshot();
        assertThat(all.subList(after, all.size())).noneMatch(m -> "t".equals(m.get("T")) && "MSFT".equals(m.get("S")));
    }

    @Test
    void shouldNegotiatePermessageDeflateAndRefuseUnknownFeeds() throws Exception {
        String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        assertThat(rawUpgrade("/v2/iex", key)).startsWith("HTTP/1.1 101").containsIgnoringCase("permessage-deflate");
        assertThat(rawUpgrade("/v2/boats", key)).startsWith("HTTP/1.1 404");
    }

    static String rawUpgrade(String path, String key) throws Exception {
        try (Socket s = new Socket("127.0.0.1", sim.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0) {
                head.append((char) b);
                if (head.toString().endsWith("\r\n\r\n")) {
                    break;
                }
            }
            return head.toString();
        }
    }
}

package dev.stockpipe.sim;

import static dev.stockpipe.sim.client.ProtocolClient.error;
import static dev.stockpipe.sim.client.ProtocolClient.map;
import static dev.stockpipe.sim.client.ProtocolClient.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stockpipe.sim.client.ProtocolClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each fault, from the library and from the admin endpoint, seen by a protocol-only client. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FaultsIT {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static AlpacaSimulator sim;
    private final List<ProtocolClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        sim = AlpacaSimulator.builder().seed(5L).symbols(List.of("AAPL", "MSFT")).tradesPerSecond(200)
                .connectionLimit(10).start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(ProtocolClient::abort);
        await().atMost(WAIT).until(() -> sim.stats().connections() == 0);
    }

    private ProtocolClient streaming(boolean msgpack) {
        ProtocolClient c = ProtocolClient.connect(sim.streamUri("iex"), msgpack);
        clients.add(c);
        c.auth("test", "test");
        await().atMost(WAIT).until(() -> c.has(success("authenticated")));
        c.send(map("action", "subscribe", "trades", List.of("*")));
        await().atMost(WAIT).until(() -> c.ofType("t").size() > 5);
        return c;
    }

    static HttpResponse<String> admin(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(sim.restUri() + path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldDropConnectionsWithoutACloseHandshakeAndAcceptTheReconnect() {
        ProtocolClient c = streaming(false);
        sim.faults().dropConnections();
        await().atMost(WAIT).until(() -> c.closed.isDone());
        assertThat(c.closed.join()).isNotEqualTo(1000); // an error, not a clean close
        ProtocolClient again = streaming(false);
        assertThat(again.isClosed()).isFalse();
    }

    @Test
    void shouldDropConnectionsFromTheAdminEndpoint() throws Exception {
        ProtocolClient c = streaming(true);
        HttpResponse<String> r = admin("/admin/faults/drop-connections");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"applied\":true");
        await().atMost(WAIT).until(() -> c.closed.isDone());
    }

    @Test
    void shouldGoSilentWithoutClosingThenResume() throws Exception {
        ProtocolClient c = streaming(false);
        long dropped = sim.stats().droppedWhileSilent();
        assertThat(admin("/admin/faults/go-silent?millis=3000").statusCode()).isEqualTo(200);
        int pongs = c.pongs.get();
        c.ping();
        await().atMost(WAIT).until(() -> sim.stats().droppedWhileSilent() > dropped + 20);
        assertThat(c.pongs.get()).as("a dead socket answers no ping").isEqualTo(pongs);
        assertThat(c.isClosed()).isFalse();
        int during = c.ofType("t").size();
        await().atMost(WAIT).until(() -> c.ofType("t").size() > during + 20); // after the silence, data again
        c.ping();
        await().atMost(WAIT).until(() -> c.pongs.get() > pongs);
    }

    @Test
    void shouldSendAMalformedFrameInBothEncodingsAndKeepStreaming() {
        ProtocolClient json = streaming(false);
        ProtocolClient msgpack = streaming(true);
        sim.faults().sendMalformedFrame();
        await().atMost(WAIT).until(() -> !json.undecodable.isEmpty() && !msgpack.undecodable.isEmpty());
        int j = json.ofType("t").size();
        int m = msgpack.ofType("t").size();
        await().atMost(WAIT).until(() -> json.ofType("t").size() > j + 5 && msgpack.ofType("t").size() > m + 5);
    }

    @Test
    void shouldSendTheNextDataFrameTwice() {
        ProtocolClient c = streaming(false);
        int before = c.frameSnapshot().size();
        sim.faults().duplicateNextFrame();
        await().atMost(WAIT).until(() -> {
            List<List<Map<String, Object>>> f = c.frameSnapshot();
            for (int i = Math.max(1, before); i < f.size(); i++) {
                if (f.get(i).equals(f.get(i - 1)) && "t".equals(f.get(i).get(0).get("T"))) {
                    return true;
                }
            }
            return false;
        });
    }

    @Test
    void shouldRefuseAuthWith406WhileTheFaultLastsAndKeepTheSocketOpen() {
        sim.faults().refuseConnections(Duration.ofSeconds(2));
        ProtocolClient c = ProtocolClient.connect(sim.streamUri("iex"), false);
        clients.add(c);
        c.auth("test", "test");
        await().atMost(WAIT).until(() -> c.has(error(406)));
        assertThat(c.isClosed()).isFalse();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            c.auth("test", "test"); // as Go's SDK does, on the same socket (§2.1)
            return c.has(success("authenticated"));
        });
    }

    @Test
    void shouldAnswerTheUpgradeWithHttp429ThenAcceptTheNextOne() {
        sim.faults().rejectUpgrades(1);
        assertThatThrownBy(() -> ProtocolClient.connect(sim.streamUri("iex"), false))
                .isInstanceOf(CompletionException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(429));
        assertThat(streaming(false).isClosed()).isFalse();
        assertThat(sim.stats().upgradesRejected()).isEqualTo(1);
    }

    @Test
    void shouldApplyEveryFaultNamedOnTheAdminEndpointAndRejectUnknownOnes() throws Exception {
        for (String f : List.of("malformed-frame", "duplicate-next-frame", "refuse-connections?millis=1",
                "rest-429?times=1", "reject-upgrades?times=0", "go-silent?millis=1")) {
            assertThat(admin("/admin/faults/" + f).statusCode()).as(f).isEqualTo(200);
        }
        HttpResponse<String> limited = HTTP.send(HttpRequest.newBuilder(URI.create(sim.restUri() + "/v2/stocks/AAPL/trades"))
                .header("APCA-API-KEY-ID", "test").header("APCA-API-SECRET-KEY", "test").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(admin("/admin/faults/meteor").statusCode()).isEqualTo(404);
        assertThat(admin("/admin/faults/go-silent?millis=soon").statusCode()).isEqualTo(400);
    }

    @Test
    void shouldPauseAndResumeTheMarketAndReplayScriptedFrames() throws Exception {
        ProtocolClient c = streaming(false);
        assertThat(admin("/admin/pause").body()).contains("true");
        long trades = sim.stats().tradesEmitted();
        sim.script(List.of("[{\"T\":\"t\",\"S\":\"ZZZ\",\"i\":1,\"x\":\"V\",\"p\":-1,\"s\":1,\"t\":\"2024-01-02T15:00:00Z\"}]",
                "not even json"));
        await().atMost(WAIT).until(() -> c.has(m -> "ZZZ".equals(m.get("S"))) && c.undecodable.contains("not even json"));
        assertThat(sim.stats().tradesEmitted()).isEqualTo(trades);
        assertThat(admin("/admin/resume").body()).contains("false");
        await().atMost(WAIT).until(() -> sim.stats().tradesEmitted() > trades);
    }

    @Test
    void shouldDisconnectASlowClientWith407AndKeepTheOthersStreaming() {
        try (AlpacaSimulator fast = AlpacaSimulator.builder().seed(9L).symbols(List.of("AAPL", "MSFT", "GOOGL"))
                .tradesPerSecond(20_000).quoteRate(1.0).outboundQueueCapacity(2_000).connectionLimit(5)
                .keepGroundTruth(false).start()) {
            ProtocolClient slow = ProtocolClient.connect(fast.streamUri("iex"), false);
            ProtocolClient ok = ProtocolClient.connect(fast.streamUri("iex"), true);
            for (ProtocolClient c : List.of(slow, ok)) {
                c.auth("test", "test");
                await().atMost(WAIT).until(() -> c.has(success("authenticated")));
            }
            slow.stall();
            slow.send(map("action", "subscribe", "trades", List.of("*"), "quotes", List.of("*")));
            ok.send(map("action", "subscribe", "bars", List.of("AAPL")));
            await().atMost(Duration.ofSeconds(60)).until(() -> fast.stats().slowClientDisconnects() == 1);
            slow.unstall();
            await().atMost(WAIT).until(slow::isClosed);
            assertThat(ok.isClosed()).isFalse();
            long trades = fast.stats().tradesEmitted();
            await().atMost(WAIT).until(() -> fast.stats().tradesEmitted() > trades + 1000); // the market never waited
            ok.abort();
            slow.abort();
        }
    }
}

package dev.stockpipe.relay.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FanOutTest {
    private final RelayMetrics metrics = new RelayMetrics(new SimpleMeterRegistry());
    private final AtomicLong clock = new AtomicLong();
    private final FanOut fanOut = new FanOut(3, 8, 4, 10, 1_000_000L, metrics, clock::get);
    private final FakeSnapshots snapshots = new FakeSnapshots();
    private final ClientProtocol protocol = new ClientProtocol(fanOut, snapshots, metrics, clock::get, 10, 200, 5, 8);

    private static final class FakeSnapshots implements SnapshotSource {
        final Map<String, String> latest = new java.util.HashMap<>();
        CompletableFuture<List<byte[]>> pending;

        @Override
        public CompletionStage<List<byte[]>> latestTrades(List<String> symbols) {
            List<byte[]> out = new ArrayList<>();
            for (String s : symbols) {
                String v = latest.get(s);
                out.add(v == null ? null : v.getBytes(StandardCharsets.UTF_8));
            }
            if (pending != null) {
                return pending.thenApply(x -> out);
            }
            return CompletableFuture.completedFuture(out);
        }

        @Override
        public CompletionStage<Map<String, byte[]>> allLatestTrades() {
            Map<String, byte[]> m = new java.util.HashMap<>();
            latest.forEach((k, v) -> m.put(k, v.getBytes(StandardCharsets.UTF_8)));
            return CompletableFuture.completedFuture(m);
        }
    }

    private void send(RelayClient c, String text) {
        protocol.onText(c, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRouteEachEventOnlyToSubscribersOfItsSymbol() {
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        RecordingSink all = new RecordingSink();
        RelayClient ca = fanOut.connect("a", a);
        RelayClient cb = fanOut.connect("b", b);
        RelayClient call = fanOut.connect("all", all);
        send(ca, "{\"action\":\"subscribe\",\"symbols\":[\"aapl\"]}");
        send(cb, "{\"action\":\"subscribe\",\"symbols\":[\"MSFT\",\"AAPL\"]}");
        send(call, "{\"action\":\"subscribe\",\"symbols\":[\"*\",\"AAPL\"]}");
        fanOut.publish(Events.trade("AAPL", 1));
        fanOut.publish(Events.trade("MSFT", 2));
        fanOut.publish(Events.trade("TSLA", 3));

        assertThat(a.sent()).containsExactly("{\"type\":\"subscribed\",\"symbols\":[\"AAPL\"]}",
                Events.tradeJson("AAPL", 1));
        assertThat(b.sent()).containsExactly("{\"type\":\"subscribed\",\"symbols\":[\"AAPL\",\"MSFT\"]}",
                Events.tradeJson("AAPL", 1), Events.tradeJson("MSFT", 2));
        assertThat(all.sent()).containsExactly("{\"type\":\"subscribed\",\"symbols\":[\"*\",\"AAPL\"]}",
                Events.tradeJson("AAPL", 1), Events.tradeJson("MSFT", 2), Events.tradeJson("TSLA", 3));

        send(cb, "{\"action\":\"unsubscribe\",\"symbols\":[\"AAPL\"]}");
        fanOut.publish(Events.trade("AAPL", 4));
        assertThat(b.sent()).last().isEqualTo("{\"type\":\"subscribed\",\"symbols\":[\"MSFT\"]}");
        fanOut.disconnect(ca);
        assertThat(fanOut.subscriberCount("AAPL")).isEqualTo(1); // the wildcard client also named AAPL
    }

    @Test
    void shouldSendTheLastKnownTradeOnSubscribe() {
        snapshots.latest.put("AAPL", Events.tradeJson("AAPL", 77));
        RecordingSink s = new RecordingSink();
        RelayClient c = fanOut.connect("c", s);
        send(c, "{\"action\":\"subscribe\",\"symbols\":[\"AAPL\",\"NVDA\"]}");
        assertThat(s.sent()).containsExactly("{\"type\":\"subscribed\",\"symbols\":[\"AAPL\",\"NVDA\"]}",
                Events.tradeJson("AAPL", 77));
    }

    @Test
    void shouldDropAStaleSnapshotWhenALiveTradeArrivedFirst() {
        snapshots.latest.put("AAPL", Events.tradeJson("AAPL", 77));
        snapshots.pending = new CompletableFuture<>();
        RecordingSink s = new RecordingSink();
        RelayClient c = fanOut.connect("c", s);
        send(c, "{\"action\":\"subscribe\",\"symbols\":[\"AAPL\"]}");
        fanOut.publish(Events.trade("AAPL", 78));
        snapshots.pending.complete(null);
        assertThat(s.sent()).extracting(x -> x.contains("trade_id") ? Events.tradeId(x) : -1L).containsExactly(-1L, 78L);
    }

    @Test
    void shouldAnswerBadInputWithErrorEventsAndKeepTheClient() {
        RecordingSink s = new RecordingSink();
        RelayClient c = fanOut.connect("c", s);
        send(c, "garbage");
        send(c, "{\"action\":\"dance\"}");
        send(c, "{\"action\":\"subscribe\",\"symbols\":[\"A\",\"B\",\"C\",\"D\",\"E\",\"F\",\"G\",\"H\",\"I\",\"J\",\"K\"]}");
        send(c, "{\"action\":\"subscribe\",\"symbols\":[\"not a symbol\"]}");
        protocol.onBinary(c, 3);
        assertThat(s.sent()).extracting(x -> x.replaceAll(".*\"code\":\"([a-z_]+)\".*", "$1"))
                .containsExactly("bad_json", "unknown_action", "too_many_symbols", "invalid_symbol",
                        "binary_not_supported");
        assertThat(s.closeCode).isEqualTo(-1);
        assertThat(fanOut.clientCount()).isEqualTo(1);
    }

    @Test
    void shouldRejectOversizeMessages() {
        RecordingSink s = new RecordingSink();
        RelayClient c = fanOut.connect("c", s);
        send(c, "{\"action\":\"subscribe\",\"symbols\":[\"" + "A".repeat(300) + "\"]}");
        assertThat(s.sent()).singleElement().asString().contains("message_too_large");
    }

    @Test
    void shouldWarnOncePerSecondThenCloseAFloodingClient() {
        RecordingSink s = new RecordingSink();
        RelayClient c = fanOut.connect("c", s);
        for (int i = 0; i < 7; i++) {
            send(c, "{\"action\":\"ping\"}");
        }
        assertThat(s.sent().stream().filter(x -> x.contains("rate_limited"))).hasSize(1);
        assertThat(s.closeCode).isEqualTo(-1);
        send(c, "{\"action\":\"ping\"}");
        send(c, "{\"action\":\"ping\"}");
        assertThat(s.closeCode).isEqualTo(CloseCodes.POLICY_VIOLATION);
        assertThat(s.closeReason).contains("flooding");
        assertThat(fanOut.clientCount()).isZero();
        clock.addAndGet(2_000_000_000L);
    }

    @Test
    void shouldCloseAClientThatConflatesLongerThanTheLimit() {
        RecordingSink slow = new RecordingSink();
        slow.hold = true;
        RelayClient c = fanOut.connect("slow", slow);
        send(c, "{\"action\":\"subscribe\",\"symbols\":[\"AAPL\"]}");
        for (int i = 0; i < 50; i++) {
            fanOut.publish(Events.trade("AAPL", i));
        }
        assertThat(c.queue().isConflating()).isTrue();
        assertThat(fanOut.sweep()).isZero();
        clock.addAndGet(1_000_001L);
        assertThat(fanOut.sweep()).isEqualTo(1);
        assertThat(slow.closeCode).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
        assertThat(slow.closeReason).startsWith("too slow");
        assertThat(fanOut.subscriberCount("AAPL")).isZero();
    }

    @Test
    void shouldRefuseClientsBeyondTheLimit() {
        assertThat(fanOut.connect("1", new RecordingSink())).isNotNull();
        assertThat(fanOut.connect("2", new RecordingSink())).isNotNull();
        assertThat(fanOut.connect("3", new RecordingSink())).isNotNull();
        assertThat(fanOut.connect("4", new RecordingSink())).isNull();
    }
}

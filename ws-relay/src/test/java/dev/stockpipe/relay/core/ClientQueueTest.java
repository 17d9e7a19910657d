package dev.stockpipe.relay.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ClientQueueTest {
    private final RelayMetrics metrics = new RelayMetrics(new SimpleMeterRegistry());
    private final AtomicLong clock = new AtomicLong(1_000);
    private final RecordingSink sink = new RecordingSink();
    private final AtomicReference<String> gaveUp = new AtomicReference<>();

    private ClientQueue queue(int maxQueued, int maxInFlight, int maxKeys) {
        return new ClientQueue(sink, maxQueued, maxInFlight, maxKeys, metrics, clock::get,
                (reason, cause) -> gaveUp.set(reason));
    }

    @Test
    void shouldDeliverEverythingInOrderToAClientThatKeepsUp() {
        ClientQueue q = queue(4, 2, 100);
        for (int i = 0; i < 1000; i++) {
            q.offerLive(Events.trade("AAPL", i));
        }
        List<String> sent = sink.sent();
        assertThat(sent).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(Events.tradeId(sent.get(i))).isEqualTo(i);
        }
        assertThat(q.isConflating()).isFalse();
        assertThat(q.conflatedTotal()).isZero();
    }

    @Test
    void shouldConflateToLatestPerSymbolWhenTheQueueIsFull() {
        sink.hold = true;
        ClientQueue q = queue(10, 2, 100);
        for (int i = 0; i < 300; i++) {
            q.offerLive(Events.trade(i % 3 == 0 ? "AAPL" : i % 3 == 1 ? "MSFT" : "GOOGL", i));
        }
        assertThat(q.isConflating()).isTrue();
        assertThat(q.queued()).isEqualTo(3); // one per symbol, whatever was published
        assertThat(q.inFlight()).isEqualTo(2);

        sink.release();

        List<String> sent = sink.sent();
        assertThat(sent.size()).isLessThan(300).isGreaterThanOrEqualTo(5);
        assertThat(q.isConflating()).isFalse();
        assertThat(q.conflatedTotal()).isEqualTo(300 - sent.size());
        assertThat(metrics.conflatedCount()).isEqualTo(300 - sent.size());
        // per symbol: strictly increasing, ending with the last published event of that symbol
        Map<String, Long> last = new HashMap<>();
        for (String s : sent) {
            long id = Events.tradeId(s);
            Long prev = last.put(Events.symbol(s), id);
            assertThat(prev == null || prev < id).as("order of %s", s).isTrue();
        }
        assertThat(last).containsEntry("AAPL", 297L).containsEntry("MSFT", 298L).containsEntry("GOOGL", 299L);
    }

    @Test
    void shouldKeepControlFramesWhileConflating() {
        sink.hold = true;
        ClientQueue q = queue(2, 1, 100);
        for (int i = 0; i < 10; i++) {
            q.offerLive(Events.trade("AAPL", i));
        }
        q.offerControl(ControlFrames.error("bad_json", "x"));
        q.offerControl(ControlFrames.error("bad_json", "y"));
        q.offerLive(Events.trade("AAPL", 10));
        sink.release();
        List<String> sent = sink.sent();
        assertThat(sent.stream().filter(s -> s.contains("\"error\""))).hasSize(2);
        assertThat(Events.tradeId(sent.get(sent.size() - 1))).isEqualTo(10);
    }

    @Test
    void shouldGiveUpOnAClientWhenConflationKeysExceedTheBound() {
        sink.hold = true;
        ClientQueue q = queue(2, 1, 5);
        for (int i = 0; i < 20; i++) {
            q.offerLive(Events.trade("S" + i, i));
        }
        assertThat(gaveUp.get()).contains("too many distinct symbols");
    }

    @Test
    void shouldReportHowLongItHasBeenConflating() {
        sink.hold = true;
        ClientQueue q = queue(1, 1, 100);
        assertThat(q.conflatingForNanos(clock.get())).isZero();
        q.offerLive(Events.trade("AAPL", 1));
        q.offerLive(Events.trade("AAPL", 2));
        q.offerLive(Events.trade("AAPL", 3));
        clock.addAndGet(5_000);
        assertThat(q.conflatingForNanos(clock.get())).isEqualTo(5_000);
    }

    @Test
    void shouldSkipASnapshotOnceALiveTradeOfThatSymbolWasQueued() {
        ClientQueue q = queue(10, 10, 100);
        q.expectSnapshots(List.of("AAPL", "MSFT"));
        q.offerLive(Events.trade("AAPL", 50));
        int queued = q.offerSnapshots(List.of(Events.trade("AAPL", 49), Events.trade("MSFT", 7)), false);
        assertThat(queued).isEqualTo(1);
        assertThat(sink.sent()).extracting(Events::tradeId).containsExactly(50L, 7L);
    }

    @Test
    void shouldSendNothingAfterClose() {
        ClientQueue q = queue(10, 10, 100);
        q.close();
        q.offerLive(Events.trade("AAPL", 1));
        q.offerControl(ControlFrames.error("x", "y"));
        assertThat(sink.sent()).isEmpty();
    }

    @Test
    void shouldBatchEventsThatArriveWhileTwoBatchesAreOut() {
        sink.hold = true;
        ClientQueue q = queue(1000, 256, 100);
        for (int i = 0; i < 50; i++) {
            q.offerLive(Events.trade("AAPL", i));
        }
        // one event per batch for the first two, the other 48 wait and go out as one batch
        assertThat(sink.sent()).hasSize(2);
        assertThat(q.inFlight()).isEqualTo(2);
        assertThat(q.queued()).isEqualTo(48);
        sink.release();
        assertThat(sink.sent()).hasSize(50);
        assertThat(sink.sent()).extracting(Events::tradeId).isSorted();
    }

    @Test
    void shouldHandBackQueuedControlFramesWhenClosedKeepingControl() {
        sink.hold = true;
        ClientQueue q = queue(1000, 256, 100);
        q.offerLive(Events.trade("AAPL", 1));
        q.offerLive(Events.trade("AAPL", 2));
        q.offerLive(Events.trade("AAPL", 3));
        q.offerControl(ControlFrames.error("rate_limited", "slow down"));
        List<Outbound> last = q.closeKeepingControl();
        assertThat(last).extracting(Outbound::event).containsExactly("error");
        assertThat(q.isClosed()).isTrue();
        assertThat(q.closeKeepingControl()).isEmpty();
    }
}

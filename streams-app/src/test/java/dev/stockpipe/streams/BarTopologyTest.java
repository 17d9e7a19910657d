package dev.stockpipe.streams;

import static dev.stockpipe.streams.TopologyFixture.barJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockpipe.model.Bar;
import dev.stockpipe.model.BarSource;
import dev.stockpipe.model.Stores;
import dev.stockpipe.model.Timeframe;
import dev.stockpipe.streams.bars.BarProcessor;
import dev.stockpipe.streams.metrics.PipelineCounters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BarTopologyTest {
    static final Instant T0 = Instant.parse("2024-03-15T14:00:00Z");
    static final String MINUTE = "2024-03-15T13:15:00Z";
    final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void shouldEmitMinuteBarWithSourceStream() {
        f.bar("SPY", barJson("b", "SPY", "388.985", "389.13", "388.975", "389.12", 49378, MINUTE), T0);
        var out = f.bars.readKeyValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key).isEqualTo("SPY");
        Bar b = out.get(0).value;
        assertThat(b.timeframe()).isEqualTo(Timeframe.MIN_1);
        assertThat(b.source()).isEqualTo(BarSource.STREAM);
        assertThat(b.barTs()).isEqualTo(Instant.parse(MINUTE));
        assertThat(b.open().toPlainString()).isEqualTo("388.985");
        assertThat(b.volume()).isEqualTo(49378);
        assertThat(b.tradeCount()).isEqualTo(12);
    }

    @Test
    void shouldReplaceMinuteBarWithUpdatedBar() {
        f.bar("SPY", barJson("b", "SPY", "10", "12", "9", "11", 100, MINUTE), T0);
        f.bar("SPY", barJson("u", "SPY", "10", "12.5", "9", "11", 120, MINUTE), T0.plusSeconds(30));
        List<Bar> out = f.bars.readValuesToList();
        assertThat(out).extracting(Bar::source).containsExactly(BarSource.STREAM, BarSource.UPDATED);
        assertThat(out.get(1).key()).isEqualTo(out.get(0).key());
        WindowStore<String, Bar> store = f.driver.getWindowStore(Stores.BARS);
        Bar stored = store.fetch(BarProcessor.seriesKey("SPY", Timeframe.MIN_1), Instant.parse(MINUTE).toEpochMilli());
        assertThat(stored.source()).isEqualTo(BarSource.UPDATED);
        assertThat(stored.volume()).isEqualTo(120);
    }

    @Test
    void shouldMapDailyBarToOneDayTimeframe() {
        f.bar("SPY", barJson("d", "SPY", "10", "12", "9", "11", 100000, "2024-03-15T04:00:00Z"), T0);
        Bar b = f.bars.readValue();
        assertThat(b.timeframe()).isEqualTo(Timeframe.DAY_1);
        assertThat(b.source()).isEqualTo(BarSource.STREAM);
        assertThat(b.key()).isEqualTo("SPY|1Day|2024-03-15T04:00:00Z");
    }

    @Test
    void shouldNeverOverwriteUpdatedBarWithBackfilledOrReplayedBar() {
        f.bar("SPY", barJson("b", "SPY", "10", "12", "9", "11", 100, MINUTE), T0);
        f.bar("SPY", barJson("u", "SPY", "10", "12.5", "9", "11", 120, MINUTE), T0.plusSeconds(30));
        f.bars.readValuesToList();
        f.backfillBar("SPY", barJson("b", "SPY", "10", "12", "9", "11", 100, MINUTE), T0.plusSeconds(60));
        f.bar("SPY", barJson("b", "SPY", "10", "12", "9", "11", 100, MINUTE), T0.plusSeconds(61));
        assertThat(f.bars.readValuesToList()).isEmpty();
        assertThat(f.counters.staleBars()).isEqualTo(2);
        WindowStore<String, Bar> store = f.driver.getWindowStore(Stores.BARS);
        assertThat(store.fetch("SPY|1Min", Instant.parse(MINUTE).toEpochMilli()).source()).isEqualTo(BarSource.UPDATED);
    }

    @Test
    void shouldApplyBackfilledBarOnlyWhenItIsNotOlderData() {
        f.bar("SPY", barJson("b", "SPY", "10", "12", "9", "11", 100, MINUTE), T0);
        f.backfillBar("SPY", barJson("b", "SPY", "10", "12", "9", "11", 90, MINUTE), T0.plusSeconds(1)); // less volume: older
        f.backfillBar("SPY", barJson("b", "SPY", "10", "12.2", "9", "11", 130, MINUTE), T0.plusSeconds(2)); // more: newer
        f.backfillBar("SPY", barJson("b", "SPY", "20", "22", "19", "21", 50, "2024-03-15T13:16:00Z"), T0.plusSeconds(3)); // gap fill
        List<Bar> out = f.bars.readValuesToList();
        assertThat(out).extracting(Bar::source).containsExactly(BarSource.STREAM, BarSource.BACKFILL, BarSource.BACKFILL);
        assertThat(out.get(1).volume()).isEqualTo(130);
    }

    @Test
    void shouldDropIdenticalBarAsDuplicate() {
        String b = barJson("b", "SPY", "10", "12", "9", "11", 100, MINUTE);
        f.bar("SPY", b, T0);
        f.bar("SPY", b, T0.plusSeconds(1));
        f.bar("SPY", barJson("b", "SPY", "10.0", "12.00", "9", "11", 100, MINUTE), T0.plusSeconds(2));
        assertThat(f.bars.readValuesToList()).hasSize(1);
        assertThat(f.counters.duplicates(PipelineCounters.DUPLICATE_BAR)).isEqualTo(2);
    }

    @Test
    void shouldKeepMinuteBarsForRangeQueriesAndLatestBarPerSymbol() {
        for (int m = 0; m < 5; m++) {
            f.bar("SPY", barJson("b", "SPY", "10", "12", "9", "11", 100 + m, "2024-03-15T13:1" + m + ":00Z"), T0.plusSeconds(m));
        }
        f.bar("SPY", barJson("b", "SPY", "10", "12", "9", "11", 1, "2024-03-15T13:00:00Z"), T0.plusSeconds(9)); // late, older
        WindowStore<String, Bar> store = f.driver.getWindowStore(Stores.BARS);
        List<Long> volumes = new ArrayList<>();
        try (var it = store.fetch("SPY|1Min", Instant.parse("2024-03-15T13:11:00Z"), Instant.parse("2024-03-15T13:13:00Z"))) {
            it.forEachRemaining(kv -> volumes.add(kv.value.volume()));
        }
        assertThat(volumes).containsExactly(101L, 102L, 103L);
        KeyValueStore<String, Bar> latest = f.driver.getKeyValueStore(Stores.LATEST_BAR);
        assertThat(latest.get("SPY").barTs()).isEqualTo(Instant.parse("2024-03-15T13:14:00Z"));
    }
}

package dev.stockpipe.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockpipe.model.TradeStatus;
import dev.stockpipe.model.alpaca.AlpacaBar;
import dev.stockpipe.model.alpaca.AlpacaCancel;
import dev.stockpipe.model.alpaca.AlpacaCorrection;
import dev.stockpipe.model.alpaca.AlpacaMessage;
import dev.stockpipe.model.alpaca.AlpacaTrade;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure market model, stepped by hand. */
class MarketModelTest {
    private static final long START = GroundTruth.nanos(Instant.parse("2024-03-05T15:00:10Z"));
    private static final long SECOND = 1_000_000_000L;

    private static MarketModel.Settings settings(long seed) {
        return new MarketModel.Settings(seed, List.of("AAPL", "MSFT", "GOOGL"), 500, 0.02, 0.02, 0.01, 0.1, List.of());
    }

    private static List<AlpacaMessage> run(MarketModel m, long until, long step) {
        List<AlpacaMessage> out = new ArrayList<>();
        for (long t = START + step; ; t += step) {
            long to = Math.min(t, until);
            while (!m.advanceTo(to, 1_000, out)) {
                // keep going until caught up
            }
            if (to == until) {
                return out;
            }
        }
    }

    @Test
    void shouldReplayTheSameMarketFromTheSameSeedWhateverTheStepSize() {
        long until = START + 2 * 60 * SECOND;
        List<AlpacaMessage> a = run(new MarketModel(settings(1), new GroundTruth(true), START, 0), until, SECOND / 10);
        List<AlpacaMessage> b = run(new MarketModel(settings(1), new GroundTruth(true), START, 0), until, 7 * SECOND);
        List<AlpacaMessage> c = run(new MarketModel(settings(2), new GroundTruth(true), START, 0), until, SECOND);
        assertThat(a).hasSizeGreaterThan(40_000).isEqualTo(b);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void shouldAssignUniqueIdsPerSymbolAndExchangeAndCorrectOrCancelOnlyEarlierTrades() {
        GroundTruth truth = new GroundTruth(true);
        List<AlpacaMessage> out = run(new MarketModel(settings(3), truth, START, 0), START + 3 * 60 * SECOND, SECOND);
        Set<String> ids = new HashSet<>();
        Set<String> exchanges = new HashSet<>();
        int corrections = 0;
        int cancels = 0;
        for (AlpacaMessage m : out) {
            if (m instanceof AlpacaTrade t) {
                assertThat(ids.add(t.symbol() + "|" + t.exchange() + "|" + t.id())).as("unique id %s", t).isTrue();
                assertThat(t.price().signum()).isPositive();
                exchanges.add(t.exchange());
            } else if (m instanceof AlpacaCorrection c) {
                assertThat(ids).contains(c.symbol() + "|" + c.exchange() + "|" + c.originalId());
                assertThat(ids.add(c.symbol() + "|" + c.exchange() + "|" + c.correctedId())).isTrue();
                corrections++;
            } else if (m instanceof AlpacaCancel x) {
                assertThat(ids).contains(x.symbol() + "|" + x.exchange() + "|" + x.id());
                cancels++;
            }
        }
        assertThat(exchanges).hasSizeGreaterThan(5);
        assertThat(corrections).isPositive();
        assertThat(cancels).isPositive();
        List<SimTrade> trades = truth.trades();
        assertThat(trades).filteredOn(t -> t.status() == TradeStatus.CORRECTED).hasSize(corrections);
        assertThat(trades).filteredOn(SimTrade::replacement).hasSize(corrections);
        assertThat(trades).filteredOn(t -> t.status() == TradeStatus.CANCELED).hasSize(cancels);
    }

    @Test
    void shouldSendMinuteBarsEqualToTheAggregateAndUpdatedBarsForLateTrades() {
        GroundTruth truth = new GroundTruth(true);
        // 15:10:50: minute 15:09 closed at 15:10, its late trades (up to 10 s) were re-sent as u at 15:10:30.
        List<AlpacaMessage> out = run(new MarketModel(settings(4), truth, START, 0), START + 10 * 60 * SECOND + 40 * SECOND, SECOND);
        List<AlpacaBar> minute = new ArrayList<>();
        List<AlpacaBar> updated = new ArrayList<>();
        List<AlpacaBar> daily = new ArrayList<>();
        for (AlpacaMessage m : out) {
            if (m instanceof AlpacaBar b) {
                (b.kind() == AlpacaBar.Kind.MINUTE ? minute : b.kind() == AlpacaBar.Kind.UPDATED ? updated : daily).add(b);
            }
        }
        assertThat(updated).isNotEmpty();
        assertThat(daily).allMatch(d -> d.timestamp().equals(Instant.parse("2024-03-05T05:00:00Z"))); // NY midnight, EST
        // The last b or u per (symbol, minute) is the ground truth's final bar.
        java.util.Map<String, AlpacaBar> last = new java.util.TreeMap<>();
        minute.forEach(b -> last.put(b.symbol() + b.timestamp(), b));
        updated.forEach(b -> last.put(b.symbol() + b.timestamp(), b));
        List<AlpacaBar> truthBars = truth.bars(Instant.EPOCH, Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(truthBars).hasSize(last.size());
        for (AlpacaBar t : truthBars) {
            AlpacaBar sent = last.get(t.symbol() + t.timestamp());
            assertThat(sent).isNotNull();
            assertThat(sent.close()).isEqualByComparingTo(t.close());
            assertThat(sent.volume()).isEqualTo(t.volume());
            assertThat(sent.tradeCount()).isEqualTo(t.tradeCount());
        }
        // Volume of every final bar = the eligible trades of that minute.
        for (AlpacaBar t : truthBars) {
            long v = 0;
            for (AlpacaMessage m : out) {
                if (m instanceof AlpacaTrade tr && tr.symbol().equals(t.symbol()) && BarAggregate.eligible(tr.conditions())
                        && !tr.timestamp().isBefore(t.timestamp()) && tr.timestamp().isBefore(t.timestamp().plusSeconds(60))) {
                    v += tr.size();
                }
            }
            assertThat(t.volume()).as("volume of %s", t).isEqualTo(v);
        }
    }

    @Test
    void shouldKeepOddLotsOutOfBarsAndWriteVwapWithSixDecimals() {
        BarAggregate a = new BarAggregate();
        a.add(new BigDecimal("10.01"), 100, 1, 0);
        a.add(new BigDecimal("10.02"), 200, 2, 1);
        AlpacaBar b = a.toBar(AlpacaBar.Kind.MINUTE, "AAPL", Instant.EPOCH);
        assertThat(b.vwap()).isEqualByComparingTo("10.016667");
        assertThat(BarAggregate.eligible(List.of("@", "I"))).isFalse();
        assertThat(BarAggregate.eligible(List.of("@", "F"))).isTrue();
    }
}

package dev.stockpipe.streams;

import static dev.stockpipe.streams.TopologyFixture.cancelJson;
import static dev.stockpipe.streams.TopologyFixture.correctionJson;
import static dev.stockpipe.streams.TopologyFixture.tradeJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stockpipe.model.Reject;
import dev.stockpipe.model.RejectReason;
import dev.stockpipe.model.Stores;
import dev.stockpipe.model.Trade;
import dev.stockpipe.model.TradeStatus;
import dev.stockpipe.streams.metrics.PipelineCounters;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TradeTopologyTest {
    static final Instant T0 = Instant.parse("2024-03-15T14:00:00Z");
    final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void shouldEmitValidTradeAsCleanTradeKeyedBySymbol() {
        f.trade("AAPL", tradeJson("AAPL", 628, "K", "162.92", 3, "2024-03-15T13:54:26.838232225Z"), at(0));

        var out = f.trades.readKeyValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key).isEqualTo("AAPL");
        Trade t = out.get(0).value;
        assertThat(t.symbol()).isEqualTo("AAPL");
        assertThat(t.tradeId()).isEqualTo(628);
        assertThat(t.exchange()).isEqualTo("K");
        assertThat(t.tradeDate()).isEqualTo(LocalDate.of(2024, 3, 15));
        assertThat(t.price()).isEqualByComparingTo("162.92");
        assertThat(t.price().toPlainString()).isEqualTo("162.92");
        assertThat(t.size()).isEqualTo(3);
        assertThat(t.conditions()).containsExactly("@");
        assertThat(t.tape()).isEqualTo("C");
        assertThat(t.tradeTs()).isEqualTo(Instant.parse("2024-03-15T13:54:26.838232225Z"));
        assertThat(t.receivedAt()).isEqualTo(at(0).plusNanos(1_500));
        assertThat(t.status()).isEqualTo(TradeStatus.OK);
        assertThat(t.updatedAt()).isEqualTo(at(0));
        assertThat(f.rejectsOut()).isEmpty();
    }

    @Test
    void shouldWriteCompactSnakeCaseJsonWithExactDecimalsAndNanoseconds() {
        f.trade("AAPL", tradeJson("AAPL", 628, "K", "162.9200", 3, "2024-03-15T13:54:26.838232225Z"), at(0));
        var raw = f.driver.createOutputTopic(f.cfg.tradesTopic(), new StringDeserializer(), new StringDeserializer());
        String json = raw.readValue();
        assertThat(json).isEqualTo("{\"symbol\":\"AAPL\",\"trade_id\":628,\"exchange\":\"K\",\"trade_date\":\"2024-03-15\","
                + "\"price\":162.9200,\"size\":3,\"conditions\":[\"@\"],\"tape\":\"C\",\"trade_ts\":\"2024-03-15T13:54:26.838232225Z\","
                + "\"received_at\":\"2024-03-15T14:00:00.000001500Z\",\"status\":\"ok\",\"updated_at\":\"2024-03-15T14:00:00Z\"}");
    }

    @Test
    void shouldUseNewYorkDateAsTradeDate() {
        // 02:30Z on the 16th is still the 15th in New York.
        f.trade("AAPL", tradeJson("AAPL", 1, "V", "10", 1, "2024-03-16T02:30:00Z"), at(0));
        assertThat(f.tradesOut().get(0).tradeDate()).isEqualTo(LocalDate.of(2024, 3, 15));
    }

    @Test
    void shouldDropDuplicateTradeAndCountIt() {
        String json = tradeJson("AAPL", 628, "K", "162.92", 3, "2024-03-15T13:54:26Z");
        f.trade("AAPL", json, at(0));
        f.trade("AAPL", json, at(5));
        // A backfill copy with another price is still the same identity.
        f.trade("AAPL", tradeJson("AAPL", 628, "K", "162.93", 3, "2024-03-15T13:54:26Z"), at(6));

        assertThat(f.tradesOut()).hasSize(1);
        assertThat(f.rejectsOut()).as("duplicates are counted, never rejected").isEmpty();
        assertThat(f.counters.duplicates(PipelineCounters.DUPLICATE_TRADE)).isEqualTo(2);
    }

    @Test
    void shouldTreatSameIdOnAnotherExchangeOrDateAsAnotherTrade() {
        f.trade("AAPL", tradeJson("AAPL", 7, "K", "10", 1, "2024-03-15T13:00:00Z"), at(0));
        f.trade("AAPL", tradeJson("AAPL", 7, "Z", "10", 1, "2024-03-15T13:00:00Z"), at(1));
        f.trade("AAPL", tradeJson("AAPL", 7, "K", "10", 1, "2024-03-14T13:00:00Z"), at(2));
        f.trade("MSFT", tradeJson("MSFT", 7, "K", "10", 1, "2024-03-15T13:00:00Z"), at(3));
        assertThat(f.tradesOut()).hasSize(4);
        assertThat(f.counters.duplicates(PipelineCounters.DUPLICATE_TRADE)).isZero();
    }

    @Test
    void shouldForgetIdentityOnceTheDedupeWindowOfStreamTimeHasPassed() {
        String json = tradeJson("AAPL", 1, "K", "10", 1, "2024-03-15T13:00:00Z");
        f.trade("AAPL", json, at(0));
        f.trade("AAPL", json, at(0).plus(TopologyFixture.DEDUPE).minusSeconds(1));
        assertThat(f.tradesOut()).as("inside the window").hasSize(1);
        f.trade("AAPL", json, at(0).plus(TopologyFixture.DEDUPE).plusSeconds(1));
        assertThat(f.tradesOut()).as("beyond the window (the sink's upsert is the guard there)").hasSize(1);
    }

    @Test
    void shouldMarkOriginalCorrectedAndEmitTheCorrectedTradeWhenCorrectionFollowsIt() {
        f.trade("EEM", tradeJson("EEM", 52983525033527L, "M", "39.1582", 440000, "2024-03-15T13:25:06.5Z"), at(0));
        f.tradesOut();
        f.trade("EEM", correctionJson("EEM", "M", 52983525033527L, "39.1582", 52983525034326L, "39.1809", 440000,
                "2024-03-15T13:26:00Z"), at(30));

        List<Trade> out = f.tradesOut();
        assertThat(out).hasSize(2);
        Trade original = out.get(0);
        assertThat(original.tradeId()).isEqualTo(52983525033527L);
        assertThat(original.status()).isEqualTo(TradeStatus.CORRECTED);
        assertThat(original.price()).isEqualByComparingTo("39.1582");
        assertThat(original.updatedAt()).isEqualTo(at(30));
        Trade corrected = out.get(1);
        assertThat(corrected.tradeId()).isEqualTo(52983525034326L);
        assertThat(corrected.status()).isEqualTo(TradeStatus.OK);
        assertThat(corrected.price()).isEqualByComparingTo("39.1809");
        assertThat(corrected.conditions()).containsExactly("@", "I");
        assertThat(corrected.tradeTs()).as("the original's t, since it is known").isEqualTo(Instant.parse("2024-03-15T13:25:06.5Z"));
        assertThat(corrected.exchange()).isEqualTo("M");
        assertThat(f.counters.correctionsApplied()).isEqualTo(1);
    }

    @Test
    void shouldApplyCorrectionThatArrivesBeforeItsOriginal() {
        f.trade("EEM", correctionJson("EEM", "M", 100, "39.15", 101, "39.18", 500, "2024-03-15T13:26:00Z"), at(0));
        List<Trade> first = f.tradesOut();
        assertThat(first).as("the corrected trade is a trade of its own").hasSize(1);
        assertThat(first.get(0).tradeId()).isEqualTo(101);
        assertThat(first.get(0).tradeTs()).as("original unknown: the message t").isEqualTo(Instant.parse("2024-03-15T13:26:00Z"));

        f.trade("EEM", tradeJson("EEM", 100, "M", "39.15", 500, "2024-03-15T13:25:00Z"), at(60));
        List<Trade> second = f.tradesOut();
        assertThat(second).hasSize(1);
        assertThat(second.get(0).tradeId()).isEqualTo(100);
        assertThat(second.get(0).status()).isEqualTo(TradeStatus.CORRECTED);
        assertThat(second.get(0).updatedAt()).isEqualTo(at(60));
        assertThat(f.rejectsOut()).isEmpty();
        assertThat(f.counters.correctionsApplied()).isEqualTo(1);
    }

    @Test
    void shouldCancelKnownTrade() {
        f.trade("GOOGL", tradeJson("GOOGL", 465, "D", "105.31", 300, "2024-03-15T13:15:42Z"), at(0));
        f.tradesOut();
        f.trade("GOOGL", cancelJson("GOOGL", "D", 465, "105.31", "2024-03-15T13:15:50Z"), at(10));
        List<Trade> out = f.tradesOut();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).tradeId()).isEqualTo(465);
        assertThat(out.get(0).status()).isEqualTo(TradeStatus.CANCELED);
        assertThat(out.get(0).price()).isEqualByComparingTo("105.31");
        assertThat(out.get(0).updatedAt()).isEqualTo(at(10));
        assertThat(f.counters.cancelsApplied()).isEqualTo(1);
    }

    @Test
    void shouldApplyCancelThatArrivesBeforeItsOriginal() {
        f.trade("GOOGL", cancelJson("GOOGL", "D", 465, "105.31", "2024-03-15T13:15:50Z"), at(0));
        assertThat(f.tradesOut()).isEmpty();
        f.trade("GOOGL", tradeJson("GOOGL", 465, "D", "105.31", 300, "2024-03-15T13:15:42Z"), at(120));
        List<Trade> out = f.tradesOut();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).status()).isEqualTo(TradeStatus.CANCELED);
        // Applied, so nothing is left to expire.
        f.trade("GOOGL", tradeJson("GOOGL", 999, "D", "105", 1, "2024-03-15T13:16:00Z"), at(0).plus(Duration.ofHours(2)));
        assertThat(f.rejectsOut()).isEmpty();
    }

    @Test
    void shouldApplyBothCorrectionAndCancelWaitingForTheSameOriginal() {
        f.trade("IBM", correctionJson("IBM", "N", 5, "100", 6, "101", 10, "2024-03-15T13:00:00Z"), at(0));
        f.trade("IBM", cancelJson("IBM", "N", 5, "100", "2024-03-15T13:00:01Z"), at(1));
        f.tradesOut();
        f.trade("IBM", tradeJson("IBM", 5, "N", "100", 10, "2024-03-15T12:59:59Z"), at(2));
        List<Trade> out = f.tradesOut();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).status()).isEqualTo(TradeStatus.CANCELED);
    }

    @Test
    void shouldNeverResurrectCorrectedOrCanceledTradeOnALaterDuplicate() {
        String original = tradeJson("AAPL", 1, "V", "10", 1, "2024-03-15T13:00:00Z");
        String other = tradeJson("AAPL", 2, "V", "11", 1, "2024-03-15T13:00:01Z");
        f.trade("AAPL", original, at(0));
        f.trade("AAPL", other, at(1));
        f.trade("AAPL", correctionJson("AAPL", "V", 1, "10", 3, "10.5", 1, "2024-03-15T13:00:05Z"), at(2));
        f.trade("AAPL", cancelJson("AAPL", "V", 2, "11", "2024-03-15T13:00:06Z"), at(3));
        f.tradesOut();

        f.trade("AAPL", original, at(100));
        f.trade("AAPL", other, at(101));
        assertThat(f.tradesOut()).isEmpty();
        assertThat(f.counters.duplicates(PipelineCounters.DUPLICATE_TRADE)).isEqualTo(2);

        KeyValueStore<String, Trade> latest = f.driver.getKeyValueStore(Stores.LATEST_TRADE);
        assertThat(latest.get("AAPL").status()).isNotEqualTo(TradeStatus.OK);
    }

    @Test
    void shouldDropDuplicateCorrectionsAndCancels() {
        f.trade("AAPL", tradeJson("AAPL", 1, "V", "10", 1, "2024-03-15T13:00:00Z"), at(0));
        String c = correctionJson("AAPL", "V", 1, "10", 3, "10.5", 1, "2024-03-15T13:00:05Z");
        f.trade("AAPL", c, at(1));
        f.trade("AAPL", c, at(2));
        String x = cancelJson("AAPL", "V", 3, "10.5", "2024-03-15T13:00:06Z");
        f.trade("AAPL", x, at(3));
        f.trade("AAPL", x, at(4));
        // And while they still wait for their original:
        String pc = correctionJson("AAPL", "V", 50, "10", 51, "10.5", 1, "2024-03-15T13:00:05Z");
        f.trade("AAPL", pc, at(5));
        f.trade("AAPL", pc, at(6));
        String px = cancelJson("AAPL", "V", 60, "10", "2024-03-15T13:00:06Z");
        f.trade("AAPL", px, at(7));
        f.trade("AAPL", px, at(8));

        List<Trade> out = f.tradesOut();
        // original, corrected original + new trade 3, trade 3 canceled, corrected trade 51
        assertThat(out).extracting(Trade::tradeId).containsExactly(1L, 1L, 3L, 3L, 51L);
        assertThat(f.counters.duplicates(PipelineCounters.DUPLICATE_CORRECTION)).isEqualTo(2);
        assertThat(f.counters.duplicates(PipelineCounters.DUPLICATE_CANCEL)).isEqualTo(2);
    }

    @Test
    void shouldRejectCorrectionAndCancelWhoseOriginalNeverArrivesAsOrphans() {
        String c = correctionJson("AAPL", "V", 77, "10", 78, "10.5", 1, "2024-03-15T13:00:05Z");
        String x = cancelJson("MSFT", "V", 88, "20", "2024-03-15T13:00:06Z");
        f.trade("AAPL", c, at(0));
        f.trade("MSFT", x, at(1));
        f.trade("AAPL", tradeJson("AAPL", 1, "V", "10", 1, "2024-03-15T13:00:00Z"),
                at(0).plus(TopologyFixture.PENDING).minusSeconds(30));
        assertThat(f.rejectsOut()).as("still inside the pending window").isEmpty();

        // Stream time moves past the window (any record does it) and the sweep runs.
        f.trade("AAPL", tradeJson("AAPL", 2, "V", "10", 1, "2024-03-15T13:00:00Z"),
                at(1).plus(TopologyFixture.PENDING).plus(TopologyFixture.PURGE).plusSeconds(1));
        var rejects = f.rejects.readKeyValuesToList();
        assertThat(rejects).extracting(kv -> kv.value.reason())
                .containsExactlyInAnyOrder(RejectReason.ORPHAN_CORRECTION.code(), RejectReason.ORPHAN_CANCEL.code());
        Reject orphanCorrection = rejects.stream().filter(kv -> kv.key.equals("AAPL")).findFirst().orElseThrow().value;
        assertThat(orphanCorrection.raw()).isEqualTo(c);
        assertThat(orphanCorrection.sourceTopic()).isEqualTo(f.cfg.tradesRawTopic());
        assertThat(orphanCorrection.sourceOffset()).isEqualTo(0);
        Reject orphanCancel = rejects.stream().filter(kv -> kv.key.equals("MSFT")).findFirst().orElseThrow().value;
        assertThat(orphanCancel.sourceOffset()).isEqualTo(1);
        assertThat(orphanCancel.detail()).contains("MSFT|2024-03-15|V|88");

        // An original that arrives after its update expired is just a trade.
        f.trade("MSFT", tradeJson("MSFT", 88, "V", "20", 100, "2024-03-15T13:00:00Z"),
                at(2).plus(TopologyFixture.PENDING).plus(TopologyFixture.PURGE).plusSeconds(1));
        List<Trade> out = f.tradesOut();
        assertThat(out.get(out.size() - 1).status()).isEqualTo(TradeStatus.OK);
        assertThat(f.rejectsOut()).as("an orphan is rejected once").isEmpty();
    }

    @Test
    void shouldKeepLatestTradePerSymbolByTradeTimeAndFollowItsStatus() {
        f.trade("AAPL", tradeJson("AAPL", 1, "V", "10", 1, "2024-03-15T13:00:02Z"), at(0));
        f.trade("AAPL", tradeJson("AAPL", 2, "V", "11", 1, "2024-03-15T13:00:01Z"), at(1)); // older (backfill)
        KeyValueStore<String, Trade> latest = f.driver.getKeyValueStore(Stores.LATEST_TRADE);
        assertThat(latest.get("AAPL").tradeId()).isEqualTo(1);
        f.trade("AAPL", cancelJson("AAPL", "V", 1, "10", "2024-03-15T13:00:03Z"), at(2));
        assertThat(latest.get("AAPL").status()).isEqualTo(TradeStatus.CANCELED);
        f.trade("AAPL", tradeJson("AAPL", 3, "V", "12", 1, "2024-03-15T13:00:04Z"), at(3));
        assertThat(latest.get("AAPL").price()).isEqualByComparingTo(new BigDecimal("12"));
    }

    @Test
    void shouldKeepProcessingValidRecordsAroundGarbage() {
        f.tradeBytes("AAPL", new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x01}, at(0));
        f.trade("MSFT", tradeJson("MSFT", 1, "V", "10", 1, "2024-03-15T13:00:00Z"), at(1));
        f.tradeBytes("AAPL", "not json at all".getBytes(StandardCharsets.UTF_8), at(2));
        f.trade("AAPL", tradeJson("AAPL", 1, "V", "10", 1, "2024-03-15T13:00:00Z"), at(3));
        assertThat(f.tradesOut()).extracting(Trade::symbol).containsExactly("MSFT", "AAPL");
        List<Reject> rejects = f.rejectsOut();
        assertThat(rejects).extracting(Reject::reason).containsOnly(RejectReason.MALFORMED_JSON.code());
        assertThat(rejects.get(0).rawEncoding()).isEqualTo(Reject.BASE64);
        assertThat(rejects.get(0).rawBytes()).containsExactly((byte) 0xff, (byte) 0xfe, 0x00, 0x01);
        assertThat(rejects.get(1).rawEncoding()).isEqualTo(Reject.UTF8);
        assertThat(rejects.get(1).raw()).isEqualTo("not json at all");
        assertThat(rejects.get(1).sourceOffset()).isEqualTo(2);
    }
}

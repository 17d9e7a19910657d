package dev.stockpipe.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Labels, keys and names other modules and PostgreSQL depend on. */
class ModelNamesTest {
    @Test
    void shouldRoundTripTradeIdKey() {
        TradeId id = new TradeId("BRK.B", LocalDate.parse("2023-04-06"), "D", 52983525033527L);
        assertThat(id.key()).isEqualTo("BRK.B|2023-04-06|D|52983525033527");
        assertThat(TradeId.parseKey(id.key())).isEqualTo(id);
        assertThat(TradeId.parseKey("AAPL|2023-04-06|K|628")).isEqualTo(new TradeId("AAPL", LocalDate.parse("2023-04-06"), "K", 628));
    }

    @Test
    void shouldRejectMalformedTradeIdKey() {
        assertThatThrownBy(() -> TradeId.parseKey("AAPL|2023-04-06|K")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TradeId.parseKey("AAPL|2023-04-06|K|x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldDeriveTradeIdentityFromTradeAndKeepItAcrossStatusChanges() {
        Trade t = new Trade("AAPL", 628, "K", LocalDate.parse("2023-04-06"), new BigDecimal("162.92"), 3, null, "C",
                Instant.parse("2023-04-06T11:54:26.838232225Z"), null, TradeStatus.OK, null);
        assertThat(t.conditions()).isEmpty();
        Trade canceled = t.withStatus(TradeStatus.CANCELED, Instant.parse("2023-04-06T13:15:42Z"));
        assertThat(canceled.id()).isEqualTo(t.id()).isEqualTo(new TradeId("AAPL", LocalDate.parse("2023-04-06"), "K", 628));
        assertThat(canceled.status()).isEqualTo(TradeStatus.CANCELED);
        assertThat(canceled.updatedAt()).isEqualTo(Instant.parse("2023-04-06T13:15:42Z"));
        assertThat(canceled.price()).isEqualTo(t.price());
    }

    @Test
    void shouldUseDesignLabelsForTimeframes() throws JsonProcessingException {
        assertThat(List.of(Timeframe.values())).extracting(Timeframe::label).containsExactly("1Min", "5Min", "15Min", "1Hour", "1Day");
        for (Timeframe t : Timeframe.values()) {
            assertThat(Timeframe.parse(t.label())).contains(t);
            assertThat(Timeframe.fromLabel(t.label())).isEqualTo(t);
            assertThat(Json.MAPPER.writeValueAsString(t)).isEqualTo("\"" + t.label() + "\"");
        }
        assertThat(Timeframe.MIN_15.length()).isEqualTo(Duration.ofMinutes(15));
        assertThat(Timeframe.parse("1min")).isEmpty();
        assertThatThrownBy(() -> Timeframe.fromLabel("2Min")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2Min");
    }

    @Test
    void shouldUseDesignLabelsForTradeStatusAndBarSource() throws JsonProcessingException {
        assertThat(List.of(TradeStatus.values())).extracting(TradeStatus::label).containsExactly("ok", "corrected", "canceled");
        assertThat(List.of(BarSource.values())).extracting(BarSource::label).containsExactly("stream", "updated", "backfill");
        for (TradeStatus s : TradeStatus.values()) {
            assertThat(TradeStatus.fromLabel(s.label())).isEqualTo(s);
            assertThat(Json.MAPPER.readValue("\"" + s.label() + "\"", TradeStatus.class)).isEqualTo(s);
        }
        for (BarSource s : BarSource.values()) {
            assertThat(BarSource.fromLabel(s.label())).isEqualTo(s);
            assertThat(Json.MAPPER.writeValueAsString(s)).isEqualTo("\"" + s.label() + "\"");
        }
        assertThatThrownBy(() -> TradeStatus.fromLabel("OK")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BarSource.fromLabel("live")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNameTopicsAsDesignSays() {
        assertThat(Topics.ALL).containsExactly("stocks.trades.raw", "stocks.bars.raw", "stocks.trades", "stocks.bars",
                "stocks.rejects", "stocks.sink.dlq");
        assertThat(List.of(Topics.TRADES_RAW.name(), Topics.BARS_RAW.name(), Topics.TRADES.name(), Topics.BARS.name(),
                Topics.REJECTS.name(), Topics.SINK_DLQ.name())).containsExactlyElementsOf(Topics.ALL);
        assertThat(Channels.TRADES).isEqualTo("stock:trades:pubsub");
        assertThat(Channels.latestTradesHashFor(Channels.TRADES)).isEqualTo(Channels.LATEST_TRADES);
        assertThat(Channels.latestTradesHashFor("other")).isNotEqualTo(Channels.latestBarsHashFor("other"));
        assertThat(RecordHeaders.RECEIVED_AT).isEqualTo("received-at");
    }
}

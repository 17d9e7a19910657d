package dev.stockpipe.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The compact snake_case JSON of the clean topics, exactly as DESIGN.md lists the fields. */
class JsonSerdeTest {
    static final Trade TRADE = new Trade("AAPL", 628, "K", LocalDate.parse("2023-04-06"), new BigDecimal("162.92"), 3,
            List.of("@", "F", "T", "I"), "C", Instant.parse("2023-04-06T11:54:26.838232225Z"),
            Instant.parse("2023-04-06T11:54:26.840000001Z"), TradeStatus.OK, Instant.parse("2023-04-06T11:54:26.9Z"));
    static final String TRADE_JSON = "{\"symbol\":\"AAPL\",\"trade_id\":628,\"exchange\":\"K\",\"trade_date\":\"2023-04-06\","
            + "\"price\":162.92,\"size\":3,\"conditions\":[\"@\",\"F\",\"T\",\"I\"],\"tape\":\"C\","
            + "\"trade_ts\":\"2023-04-06T11:54:26.838232225Z\",\"received_at\":\"2023-04-06T11:54:26.840000001Z\","
            + "\"status\":\"ok\",\"updated_at\":\"2023-04-06T11:54:26.900Z\"}";

    static final Bar BAR = new Bar("SPY", Timeframe.MIN_1, Instant.parse("2021-02-22T19:15:00Z"), new BigDecimal("388.985"),
            new BigDecimal("389.13"), new BigDecimal("388.975"), new BigDecimal("389.12"), 49378, 461L,
            new BigDecimal("389.062639"), BarSource.STREAM);
    static final String BAR_JSON = "{\"symbol\":\"SPY\",\"timeframe\":\"1Min\",\"bar_ts\":\"2021-02-22T19:15:00Z\","
            + "\"open\":388.985,\"high\":389.13,\"low\":388.975,\"close\":389.12,\"volume\":49378,\"trade_count\":461,"
            + "\"vwap\":389.062639,\"source\":\"stream\"}";

    private final JsonSerde<Trade> trades = JsonSerde.of(Trade.class);
    private final JsonSerde<Bar> bars = JsonSerde.of(Bar.class);
    private final JsonSerde<Reject> rejects = JsonSerde.of(Reject.class);

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteTradeAsCompactSnakeCaseJsonInDesignOrder() {
        assertThat(text(trades.serialize(Topics.TRADES_NAME, TRADE))).isEqualTo(TRADE_JSON);
    }

    @Test
    void shouldRoundTripTradeKeepingNanosecondsAndDecimalScale() {
        Trade back = trades.deserialize(Topics.TRADES_NAME, trades.serialize(Topics.TRADES_NAME, TRADE));
        assertThat(back).isEqualTo(TRADE);
        assertThat(back.tradeTs().getNano()).isEqualTo(838_232_225);
        assertThat(back.price()).isEqualTo(new BigDecimal("162.92"));
    }

    @Test
    void shouldWriteDecimalsExactlyWithoutExponentOrDouble() {
        Trade t = new Trade("AAPL", 1, "V", LocalDate.parse("2023-04-06"), new BigDecimal("1E+3"), 1, List.of(), null,
                Instant.parse("2023-04-06T11:54:26Z"), null, TradeStatus.CANCELED, null);
        String json = text(trades.serialize("t", t));
        assertThat(json).contains("\"price\":1000,").doesNotContain("E+").contains("\"status\":\"canceled\"")
                .contains("\"trade_ts\":\"2023-04-06T11:54:26Z\"").contains("\"received_at\":null");
        Trade tiny = new Trade("AAPL", 1, "V", LocalDate.parse("2023-04-06"), new BigDecimal("0.0000001"), 1, List.of(), null,
                Instant.parse("2023-04-06T11:54:26Z"), null, TradeStatus.OK, null);
        assertThat(text(trades.serialize("t", tiny))).contains("\"price\":0.0000001,");
        // 0.1 + 0.2 in double is 0.30000000000000004; a decimal with 17 digits must survive untouched.
        Trade precise = new Trade("AAPL", 1, "V", LocalDate.parse("2023-04-06"), new BigDecimal("123456.12345678901234567"), 1,
                List.of(), null, Instant.parse("2023-04-06T11:54:26Z"), null, TradeStatus.CORRECTED, null);
        byte[] bytes = trades.serialize("t", precise);
        assertThat(text(bytes)).contains("\"price\":123456.12345678901234567,");
        assertThat(trades.deserialize("t", bytes).price()).isEqualTo(new BigDecimal("123456.12345678901234567"));
    }

    @Test
    void shouldWriteBarAsCompactSnakeCaseJsonInDesignOrder() {
        assertThat(text(bars.serialize(Topics.BARS_NAME, BAR))).isEqualTo(BAR_JSON);
        assertThat(bars.deserialize(Topics.BARS_NAME, BAR_JSON.getBytes(StandardCharsets.UTF_8))).isEqualTo(BAR);
    }

    @Test
    void shouldWriteBarWithoutCountAndVwapAsNulls() {
        Bar daily = new Bar("SPY", Timeframe.DAY_1, Instant.parse("2023-09-29T04:00:00Z"), new BigDecimal("430.1"),
                new BigDecimal("432"), new BigDecimal("428.5"), new BigDecimal("431.25"), 1_200_000, null, null, BarSource.BACKFILL);
        String json = text(bars.serialize("b", daily));
        assertThat(json).isEqualTo("{\"symbol\":\"SPY\",\"timeframe\":\"1Day\",\"bar_ts\":\"2023-09-29T04:00:00Z\",\"open\":430.1,"
                + "\"high\":432,\"low\":428.5,\"close\":431.25,\"volume\":1200000,\"trade_count\":null,\"vwap\":null,\"source\":\"backfill\"}");
        assertThat(bars.deserialize("b", json.getBytes(StandardCharsets.UTF_8))).isEqualTo(daily);
        assertThat(daily.key()).isEqualTo("SPY|1Day|2023-09-29T04:00:00Z");
    }

    @Test
    void shouldWriteRejectWithDesignFieldsAndRoundTrip() {
        Reject r = Reject.of(RejectReason.INVALID_PRICE, "[0].p: price must be > 0, got -1", Topics.TRADES_RAW_NAME, 2, 42,
                "{\"T\":\"t\",\"p\":-1}".getBytes(StandardCharsets.UTF_8));
        String json = text(rejects.serialize(Topics.REJECTS_NAME, r));
        assertThat(json).isEqualTo("{\"reason\":\"invalid_price\",\"detail\":\"[0].p: price must be > 0, got -1\","
                + "\"source_topic\":\"stocks.trades.raw\",\"source_partition\":2,\"source_offset\":42,"
                + "\"raw\":\"{\\\"T\\\":\\\"t\\\",\\\"p\\\":-1}\",\"raw_encoding\":\"utf8\"}");
        assertThat(rejects.deserialize(Topics.REJECTS_NAME, json.getBytes(StandardCharsets.UTF_8))).isEqualTo(r);
    }

    @Test
    void shouldIgnoreUnknownFieldsWhenReading() {
        String json = TRADE_JSON.replace("{\"symbol\"", "{\"future_field\":1,\"symbol\"");
        assertThat(trades.deserialize("t", json.getBytes(StandardCharsets.UTF_8))).isEqualTo(TRADE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"symbol\":", "{}", "[1,2]", "{\"symbol\":\"AAPL\",\"status\":\"weird\"}",
            "{\"symbol\":\"AAPL\",\"trade_ts\":\"yesterday\"}"})
    void shouldThrowKafkaSerializationExceptionOnBadBytes(String garbage) {
        assertThatThrownBy(() -> trades.deserialize(Topics.TRADES_NAME, garbage.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Trade").hasMessageContaining(Topics.TRADES_NAME);
    }

    @Test
    void shouldThrowKafkaSerializationExceptionOnNonUtf8BytesAndBadBarLabels() {
        assertThatThrownBy(() -> trades.deserialize("t", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1}))
                .isInstanceOf(SerializationException.class);
        String badTimeframe = BAR_JSON.replace("\"1Min\"", "\"2Min\"");
        assertThatThrownBy(() -> bars.deserialize("b", badTimeframe.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void shouldPassNullThroughAsTombstone() {
        assertThat(trades.serialize("t", null)).isNull();
        assertThat(trades.deserialize("t", null)).isNull();
        assertThat(trades.serializer()).isSameAs(trades);
        assertThat(trades.deserializer()).isSameAs(trades);
    }

    @Test
    void shouldPairEveryCleanTopicWithItsSerde() {
        byte[] bytes = Topics.TRADES.valueSerde().serializer().serialize(Topics.TRADES.name(), TRADE);
        assertThat(text(bytes)).isEqualTo(TRADE_JSON);
        assertThat(Topics.BARS.valueSerde().deserializer().deserialize(Topics.BARS.name(), BAR_JSON.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(BAR);
    }
}

package dev.stockpipe.model.alpaca;

import static dev.stockpipe.model.alpaca.ReferenceExamples.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The reference doc's example frames, parsed from JSON, every field checked exactly. */
class AlpacaParserExamplesTest {
    private final AlpacaParser parser = new AlpacaParser(CLOCK);

    static Stream<Arguments> frames() {
        return FRAMES.stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void shouldParseEveryReferenceFrameFromJson(String frame, List<AlpacaMessage> expected) {
        assertThat(parser.parseJsonFrame(frame)).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldKeepTradeFieldsExactly() {
        AlpacaTrade t = (AlpacaTrade) parser.parseJsonFrame("[" + TRADE + "]").get(0);
        assertThat(t.type()).isEqualTo("t");
        assertThat(t.symbol()).isEqualTo("AAPL");
        assertThat(t.id()).isEqualTo(628L);
        assertThat(t.exchange()).isEqualTo("K");
        assertThat(t.price()).isEqualTo(dec("162.92")); // BigDecimal.equals: value and scale
        assertThat(t.price().toPlainString()).isEqualTo("162.92");
        assertThat(t.size()).isEqualTo(3L);
        assertThat(t.conditions()).containsExactly("@", "F", "T", "I");
        assertThat(t.tape()).isEqualTo("C");
        assertThat(t.timestamp().getEpochSecond()).isEqualTo(Instant.parse("2023-04-06T11:54:26Z").getEpochSecond());
        assertThat(t.timestamp().getNano()).isEqualTo(838_232_225);
    }

    @Test
    void shouldKeepEightDigitFractionOfCancelAsNanoseconds() {
        AlpacaCancel x = (AlpacaCancel) parser.parseJsonFrame("[" + CANCEL + "]").get(0);
        assertThat(x.timestamp().getNano()).isEqualTo(835_409_580);
        assertThat(x.action()).isEqualTo("C");
        assertThat(x.price().toPlainString()).isEqualTo("105.31");
    }

    @Test
    void shouldKeepCorrectionIdsAboveTwoToThe32() {
        AlpacaCorrection c = (AlpacaCorrection) parser.parseJsonFrame("[" + CORRECTION + "]").get(0);
        assertThat(c.originalId()).isEqualTo(52_983_525_033_527L).isGreaterThan(1L << 32);
        assertThat(c.correctedId()).isEqualTo(52_983_525_034_326L);
        assertThat(c.originalConditions()).containsExactly(" ", "7");
        assertThat(c.originalPrice().toPlainString()).isEqualTo("39.1582");
        assertThat(c.correctedPrice().toPlainString()).isEqualTo("39.1809");
    }

    @Test
    void shouldParseBarWithVwapAndCountAsExactDecimals() {
        AlpacaBar b = (AlpacaBar) parser.parseJsonFrame("[" + BAR + "]").get(0);
        assertThat(b.kind()).isEqualTo(AlpacaBar.Kind.MINUTE);
        assertThat(b.open()).isEqualTo(dec("388.985"));
        assertThat(b.low()).isEqualTo(dec("388.975"));
        assertThat(b.vwap()).isEqualTo(dec("389.062639"));
        assertThat(b.tradeCount()).isEqualTo(461L);
        assertThat(b.timestamp()).isEqualTo(Instant.parse("2021-02-22T19:15:00Z"));
    }

    @Test
    void shouldParseUpdatedAndDailyBarsAndLegacyBarWithoutCountAndVwap() {
        String updated = BAR.replace("\"T\":\"b\"", "\"T\":\"u\"");
        String daily = "{\"T\":\"d\",\"S\":\"SPY\",\"o\":430.1,\"h\":432,\"l\":428.5,\"c\":431.25,\"v\":1200000,\"t\":\"2023-09-29T04:00:00Z\"}";
        List<AlpacaMessage> out = parser.parseJsonFrame("[" + updated + "," + daily + "]");
        AlpacaBar u = (AlpacaBar) out.get(0);
        AlpacaBar d = (AlpacaBar) out.get(1);
        assertThat(u.kind()).isEqualTo(AlpacaBar.Kind.UPDATED);
        assertThat(u.type()).isEqualTo("u");
        assertThat(d.kind()).isEqualTo(AlpacaBar.Kind.DAILY);
        assertThat(d.high()).isEqualTo(dec("432")); // integral price, as the test stream sends "h":136
        assertThat(d.tradeCount()).isNull();
        assertThat(d.vwap()).isNull();
    }

    @Test
    void shouldKeepPriceDigitsAsReceivedIncludingTrailingZeros() {
        AlpacaTrade t = (AlpacaTrade) parser.parseJsonFrame("[" + TRADE.replace("162.92", "162.90") + "]").get(0);
        assertThat(t.price()).isEqualTo(dec("162.90"));
        AlpacaTrade whole = (AlpacaTrade) parser.parseJsonFrame("[" + TRADE.replace("162.92", "100.00") + "]").get(0);
        assertThat(whole.price().toPlainString()).isEqualTo("100.00");
    }

    @Test
    void shouldNormaliseExponentPricesToPlainIntegers() {
        AlpacaTrade t = (AlpacaTrade) parser.parseJsonFrame("[" + TRADE.replace("162.92", "1.5e2") + "]").get(0);
        assertThat(t.price()).isEqualTo(dec("150"));
    }

    @Test
    void shouldParseBatchOfMixedTypesInOrder() {
        String frame = "[" + TRADE + "," + QUOTE + "," + CORRECTION + "," + CANCEL + "]";
        assertThat(parser.parseJsonFrame(frame)).containsExactly(TRADE_MSG, QUOTE_MSG, CORRECTION_MSG, CANCEL_MSG);
    }

    @Test
    void shouldSkipUnknownKeysSuchAsReceiveTime() {
        String withR = TRADE.replace("\"z\":\"C\"", "\"z\":\"C\",\"r\":\"2023-04-06T11:54:26.84Z\",\"extra\":{\"a\":[1,2]}");
        assertThat(parser.parseJsonFrame("[" + withR + "]")).containsExactly(TRADE_MSG);
    }

    @Test
    void shouldAcceptIntegralValuedSizeAndDefaultCancelActionAndMissingConditions() {
        String t = TRADE.replace("\"s\":3", "\"s\":3.0").replace(",\"c\":[\"@\",\"F\",\"T\",\"I\"]", "");
        AlpacaTrade trade = (AlpacaTrade) parser.parseJsonFrame("[" + t + "]").get(0);
        assertThat(trade.size()).isEqualTo(3L);
        assertThat(trade.conditions()).isEmpty();
        AlpacaCancel x = (AlpacaCancel) parser.parseJsonFrame("[" + CANCEL.replace("\"a\":\"C\",", "") + "]").get(0);
        assertThat(x.action()).isEqualTo("C");
        AlpacaCancel e = (AlpacaCancel) parser.parseJsonFrame("[" + CANCEL.replace("\"a\":\"C\"", "\"a\":\"E\"") + "]").get(0);
        assertThat(e.action()).isEqualTo("E");
    }

    @Test
    void shouldAcceptTimestampsWithZeroToNineFractionDigitsAndOffsets() {
        for (String t : List.of("2023-04-06T11:54:26Z", "2023-04-06T11:54:26.8Z", "2023-04-06T11:54:26.838232225Z", "2023-04-06T13:54:26.8+02:00")) {
            AlpacaTrade trade = (AlpacaTrade) parser.parseJsonFrame("[" + TRADE.replace("2023-04-06T11:54:26.838232225Z", t) + "]").get(0);
            assertThat(trade.timestamp()).isEqualTo(java.time.OffsetDateTime.parse(t).toInstant());
        }
    }

    @Test
    void shouldAcceptTimestampLessThanADayAheadOfTheClock() {
        AlpacaParser p = new AlpacaParser(java.time.Clock.fixed(Instant.parse("2023-04-05T12:00:00Z"), java.time.ZoneOffset.UTC));
        assertThat(p.parseJsonFrame("[" + TRADE + "]")).containsExactly(TRADE_MSG); // 23 h 54 min ahead
    }

    @Test
    void shouldTreatChannelsMissingFromSubscriptionReplyAsEmpty() {
        AlpacaSubscription s = (AlpacaSubscription) parser.parseJsonFrame(
                "[{\"T\":\"subscription\",\"trades\":[\"FAKEPACA\"],\"quotes\":[],\"bars\":[]}]").get(0);
        assertThat(s.symbols("trades")).containsExactly("FAKEPACA");
        assertThat(s.symbols("imbalances")).isEmpty();
        assertThat(SUBSCRIPTION_MSG.symbols("quotes")).containsExactly("AMD", "CLDR");
    }

    @Test
    void shouldParseRawTopicValueAsOneMessageObject() {
        assertThat(parser.parseJsonMessage(TRADE.getBytes(StandardCharsets.UTF_8))).isEqualTo(TRADE_MSG);
        assertThat(parser.parseJsonMessage(BAR.getBytes(StandardCharsets.UTF_8))).isEqualTo(BAR_MSG);
    }

    @Test
    void shouldSplitFrameIntoUnjudgedObjects() {
        List<JsonNode> nodes = parser.splitJsonFrame(("[" + TRADE + ",{\"T\":\"t\",\"p\":-1}]").getBytes(StandardCharsets.UTF_8));
        assertThat(nodes).hasSize(2);
        assertThat(nodes.get(1).get("p").asInt()).isEqualTo(-1);
        assertThat(parser.parse(nodes.get(0))).isEqualTo(TRADE_MSG);
    }

    @Test
    void shouldParseAnEmptyFrameToNoMessages() {
        assertThat(parser.parseJsonFrame("[]")).isEmpty();
    }

    @Test
    void shouldExposeSymbolOfDataMessagesAndNullForControl() {
        for (Map.Entry<String, AlpacaMessage> e : DATA) {
            assertThat(e.getValue().symbol()).isNotBlank();
        }
        assertThat(AlpacaSuccess.CONNECTED.symbol()).isNull();
        assertThat(SUBSCRIPTION_MSG.symbol()).isNull();
    }
}

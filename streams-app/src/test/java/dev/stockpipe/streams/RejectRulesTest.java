package dev.stockpipe.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockpipe.model.Reject;
import dev.stockpipe.model.RejectReason;
import dev.stockpipe.streams.validate.RawValidator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every reject reason the raw topics can produce, with the reject's context. */
class RejectRulesTest {
    static final Instant T0 = Instant.parse("2024-03-15T14:00:00Z");
    static final String GOOD_T = "\"t\":\"2024-03-15T13:00:00Z\"";
    final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    static Stream<Arguments> badTrades() {
        return Stream.of(
                Arguments.of("truncated JSON", "{\"T\":\"t\",\"S\":\"AAPL\"", RejectReason.MALFORMED_JSON),
                Arguments.of("empty value", "", RejectReason.MALFORMED_JSON),
                Arguments.of("an array, not an object", "[{\"T\":\"t\"}]", RejectReason.WRONG_SHAPE),
                Arguments.of("no T", "{\"S\":\"AAPL\"}", RejectReason.MISSING_FIELD),
                Arguments.of("no price", "{\"T\":\"t\",\"S\":\"AAPL\",\"i\":1,\"x\":\"V\",\"s\":1," + GOOD_T + "}", RejectReason.MISSING_FIELD),
                Arguments.of("T is a number", "{\"T\":5,\"S\":\"AAPL\"}", RejectReason.WRONG_TYPE),
                Arguments.of("conditions not strings", "{\"T\":\"t\",\"S\":\"AAPL\",\"i\":1,\"x\":\"V\",\"p\":1,\"s\":1,\"c\":[1]," + GOOD_T + "}", RejectReason.WRONG_TYPE),
                Arguments.of("unknown T", "{\"T\":\"zz\",\"S\":\"AAPL\"}", RejectReason.UNKNOWN_TYPE),
                Arguments.of("a quote", "{\"T\":\"q\",\"S\":\"AAPL\",\"bx\":\"V\",\"bp\":1,\"bs\":1,\"ax\":\"V\",\"ap\":1.1,\"as\":1," + GOOD_T + "}", RejectReason.UNEXPECTED_TYPE),
                Arguments.of("a bar", TopologyFixture.barJson("b", "AAPL", "1", "2", "1", "2", 10, "2024-03-15T13:00:00Z"), RejectReason.UNEXPECTED_TYPE),
                Arguments.of("a control message", "{\"T\":\"success\",\"msg\":\"connected\"}", RejectReason.UNEXPECTED_TYPE),
                Arguments.of("lower-case symbol", TopologyFixture.tradeJson("aapl", 1, "V", "1", 1, "2024-03-15T13:00:00Z"), RejectReason.INVALID_SYMBOL),
                Arguments.of("negative price", TopologyFixture.tradeJson("AAPL", 1, "V", "-1", 1, "2024-03-15T13:00:00Z"), RejectReason.INVALID_PRICE),
                Arguments.of("zero price", TopologyFixture.tradeJson("AAPL", 1, "V", "0", 1, "2024-03-15T13:00:00Z"), RejectReason.INVALID_PRICE),
                Arguments.of("price as text", TopologyFixture.tradeJson("AAPL", 1, "V", "\"abc\"", 1, "2024-03-15T13:00:00Z"), RejectReason.INVALID_PRICE),
                Arguments.of("absurd price", TopologyFixture.tradeJson("AAPL", 1, "V", "1e300", 1, "2024-03-15T13:00:00Z"), RejectReason.INVALID_PRICE),
                Arguments.of("fractional size", "{\"T\":\"t\",\"S\":\"AAPL\",\"i\":1,\"x\":\"V\",\"p\":1,\"s\":1.7," + GOOD_T + "}", RejectReason.INVALID_SIZE),
                Arguments.of("zero size", TopologyFixture.tradeJson("AAPL", 1, "V", "1", 0, "2024-03-15T13:00:00Z"), RejectReason.INVALID_SIZE),
                Arguments.of("before 1990", TopologyFixture.tradeJson("AAPL", 1, "V", "1", 1, "1989-12-31T23:59:59Z"), RejectReason.INVALID_TIMESTAMP),
                Arguments.of("two days ahead of the clock", TopologyFixture.tradeJson("AAPL", 1, "V", "1", 1, "2024-03-17T15:00:01Z"), RejectReason.INVALID_TIMESTAMP),
                Arguments.of("not a timestamp", TopologyFixture.tradeJson("AAPL", 1, "V", "1", 1, "yesterday"), RejectReason.INVALID_TIMESTAMP),
                Arguments.of("exchange too long", TopologyFixture.tradeJson("AAPL", 1, "VVVVVV", "1", 1, "2024-03-15T13:00:00Z"), RejectReason.INVALID_FIELD),
                Arguments.of("negative trade id", TopologyFixture.tradeJson("AAPL", -5, "V", "1", 1, "2024-03-15T13:00:00Z"), RejectReason.INVALID_FIELD));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("badTrades")
    void shouldRouteInvalidRawTradeToRejectsWithReasonAndContext(String what, String json, RejectReason reason) {
        f.trade("AAPL", tradeFiller(), T0);
        f.trade("AAPL", json, T0.plusSeconds(1));

        var out = f.rejects.readKeyValuesToList();
        assertThat(out).hasSize(1);
        Reject r = out.get(0).value;
        assertThat(r.reason()).isEqualTo(reason.code());
        assertThat(r.detail()).isNotBlank();
        assertThat(r.sourceTopic()).isEqualTo(f.cfg.tradesRawTopic());
        assertThat(r.sourcePartition()).isEqualTo(0);
        assertThat(r.sourceOffset()).isEqualTo(1);
        assertThat(r.raw()).isEqualTo(json);
        assertThat(r.rawEncoding()).isEqualTo(Reject.UTF8);
        assertThat(out.get(0).key).as("key = the original key").isEqualTo("AAPL");
        assertThat(f.counters.rejects(reason)).isEqualTo(1);
        assertThat(f.tradesOut()).hasSize(1);
    }

    private static String tradeFiller() {
        return TopologyFixture.tradeJson("AAPL", 999, "V", "1", 1, "2024-03-15T13:00:00Z");
    }

    @Test
    void shouldRejectNullKeyAsKeyMismatch() {
        f.trade(null, TopologyFixture.tradeJson("AAPL", 1, "V", "1", 1, "2024-03-15T13:00:00Z"), T0);
        var out = f.rejects.readKeyValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key).isNull();
        assertThat(out.get(0).value.reason()).isEqualTo(RejectReason.KEY_MISMATCH.code());
        assertThat(f.tradesOut()).isEmpty();
    }

    @Test
    void shouldRejectKeyThatDiffersFromSymbolAsKeyMismatch() {
        f.trade("MSFT", TopologyFixture.tradeJson("AAPL", 1, "V", "1", 1, "2024-03-15T13:00:00Z"), T0);
        List<Reject> out = f.rejectsOut();
        assertThat(out).extracting(Reject::reason).containsExactly(RejectReason.KEY_MISMATCH.code());
        assertThat(out.get(0).detail()).contains("MSFT").contains("AAPL");
    }

    @Test
    void shouldRejectNullValueOnBothRawTopics() {
        f.tradeBytes("AAPL", null, T0);
        f.barsRaw.pipeInput("AAPL", null, T0);
        List<Reject> out = f.rejectsOut();
        assertThat(out).extracting(Reject::reason).containsExactly(RejectReason.NULL_VALUE.code(), RejectReason.NULL_VALUE.code());
        assertThat(out).extracting(Reject::sourceTopic).containsExactly(f.cfg.tradesRawTopic(), f.cfg.barsRawTopic());
        assertThat(out.get(0).raw()).isNull();
    }

    @Test
    void shouldRejectOneMegabyteRecordAsOversizeWithTruncatedRaw() {
        byte[] big = new byte[1024 * 1024];
        Arrays.fill(big, (byte) 'a');
        byte[] prefix = "{\"T\":\"t\",\"S\":\"AAPL\",\"pad\":\"".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(prefix, 0, big, 0, prefix.length);
        f.tradeBytes("AAPL", big, T0);
        f.trade("AAPL", tradeFiller(), T0.plusSeconds(1));

        List<Reject> out = f.rejectsOut();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).reason()).isEqualTo(RejectReason.OVERSIZE.code());
        assertThat(out.get(0).raw()).hasSize(RawValidator.MAX_REJECT_RAW_BYTES).startsWith("{\"T\":\"t\"");
        assertThat(out.get(0).detail()).contains("truncated");
        assertThat(f.tradesOut()).as("the next record still flows").hasSize(1);
    }

    @Test
    void shouldRejectNonUtf8GarbageAsMalformedJsonInBase64() {
        byte[] garbage = {(byte) 0xc3, (byte) 0x28, (byte) 0xa0, (byte) 0xa1, 0x7b};
        f.tradeBytes("AAPL", garbage, T0);
        List<Reject> out = f.rejectsOut();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).reason()).isEqualTo(RejectReason.MALFORMED_JSON.code());
        assertThat(out.get(0).rawEncoding()).isEqualTo(Reject.BASE64);
        assertThat(out.get(0).rawBytes()).isEqualTo(garbage);
    }

    @Test
    void shouldRejectTradeOnBarsTopicAsUnexpectedType() {
        f.bar("AAPL", TopologyFixture.tradeJson("AAPL", 1, "V", "1", 1, "2024-03-15T13:00:00Z"), T0);
        List<Reject> out = f.rejectsOut();
        assertThat(out).extracting(Reject::reason).containsExactly(RejectReason.UNEXPECTED_TYPE.code());
        assertThat(out.get(0).sourceTopic()).isEqualTo(f.cfg.barsRawTopic());
    }

    @Test
    void shouldRejectInconsistentOrNegativeBars() {
        f.bar("AAPL", TopologyFixture.barJson("b", "AAPL", "10", "12", "10.5", "11", 5, "2024-03-15T13:00:00Z"), T0); // low > open
        f.bar("AAPL", TopologyFixture.barJson("b", "AAPL", "10", "9", "8", "9", 5, "2024-03-15T13:00:00Z"), T0); // open > high
        f.bar("AAPL", TopologyFixture.barJson("b", "AAPL", "10", "12", "9", "13", 5, "2024-03-15T13:00:00Z"), T0); // close > high
        f.bar("AAPL", TopologyFixture.barJson("b", "AAPL", "10", "12", "9", "11", -5, "2024-03-15T13:00:00Z"), T0); // volume < 0
        assertThat(f.rejectsOut()).extracting(Reject::reason).containsExactly(RejectReason.INVALID_BAR.code(),
                RejectReason.INVALID_BAR.code(), RejectReason.INVALID_BAR.code(), RejectReason.INVALID_FIELD.code());
        assertThat(f.bars.readValuesToList()).isEmpty();
    }
}

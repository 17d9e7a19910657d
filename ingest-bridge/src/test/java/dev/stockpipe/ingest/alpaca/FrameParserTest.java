package dev.stockpipe.ingest.alpaca;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.RejectReason;
import dev.stockpipe.model.alpaca.AlpacaFrames;
import dev.stockpipe.model.alpaca.AlpacaTrade;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameParserTest {
    private final FrameParser parser = new FrameParser();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void shouldKeepEachJsonObjectExactlyAsReceived() {
        String t1 = "{\"T\":\"t\",\"S\":\"AAPL\",\"i\":628,\"x\":\"K\",\"p\":162.920,\"s\":3,\"c\":[\"@\"],\"z\":\"C\",\"t\":\"2023-04-06T11:54:26.838232225Z\"}";
        String t2 = "{ \"T\" : \"x\", \"S\":\"GOOGL\",\"i\":465,\"x\":\"D\",\"p\":1.05E2,\"s\":300,\"a\":\"C\",\"z\":\"C\",\"t\":\"2023-04-06T13:15:42.83540958Z\" }";
        ParsedFrame f = parser.parse(utf8("[" + t1 + " ,\n" + t2 + "]"), Encoding.JSON);

        assertThat(f.ok()).isTrue();
        assertThat(f.messages()).extracting(m -> text(m.json())).containsExactly(t1, t2);
        assertThat(f.messages()).extracting(RawMessage::type).containsExactly("t", "x");
        assertThat(f.messages()).extracting(RawMessage::symbol).containsExactly("AAPL", "GOOGL");
    }

    @Test
    void shouldRouteTradesCorrectionsAndCancelsToTradesAndBarFamilyToBars() {
        String frame = "[{\"T\":\"t\",\"S\":\"A\"},{\"T\":\"c\",\"S\":\"A\"},{\"T\":\"x\",\"S\":\"A\"},"
                + "{\"T\":\"b\",\"S\":\"A\"},{\"T\":\"u\",\"S\":\"A\"},{\"T\":\"d\",\"S\":\"A\"},"
                + "{\"T\":\"q\",\"S\":\"A\"},{\"T\":\"success\",\"msg\":\"connected\"}]";
        ParsedFrame f = parser.parse(utf8(frame), Encoding.JSON);

        assertThat(f.messages()).extracting(RawMessage::route).containsExactly(
                Route.TRADES, Route.TRADES, Route.TRADES, Route.BARS, Route.BARS, Route.BARS, Route.OTHER, Route.CONTROL);
    }

    @Test
    void shouldRouteObjectsWithoutOrWithUnknownTypeToTradesRawForStreamsAppToReject() {
        ParsedFrame f = parser.parse(utf8("[{\"S\":\"AAPL\",\"p\":1},{\"T\":\"zz\",\"S\":\"AAPL\"},{\"T\":7}]"), Encoding.JSON);

        assertThat(f.ok()).isTrue();
        assertThat(f.messages()).extracting(RawMessage::route).containsOnly(Route.TRADES);
        assertThat(f.messages()).extracting(RawMessage::type).containsExactly(null, "zz", null);
        assertThat(Route.isKnownType("zz")).isFalse();
    }

    @Test
    void shouldReportTextThatIsNotJsonAsMalformedWithoutMessages() {
        ParsedFrame f = parser.parse(utf8("this is not json"), Encoding.JSON);

        assertThat(f.ok()).isFalse();
        assertThat(f.problem()).isEqualTo(RejectReason.MALFORMED_JSON);
        assertThat(f.messages()).isEmpty();
    }

    @Test
    void shouldKeepObjectsBeforeATruncationAndReportTheFrame() {
        ParsedFrame f = parser.parse(utf8("[{\"T\":\"t\",\"S\":\"AAPL\"},{\"T\":\"t\",\"S\":"), Encoding.JSON);

        assertThat(f.problem()).isEqualTo(RejectReason.MALFORMED_JSON);
        assertThat(f.messages()).extracting(RawMessage::symbol).containsExactly("AAPL");
    }

    @Test
    void shouldSkipNonObjectElementsButKeepTheRest() {
        ParsedFrame f = parser.parse(utf8("[1,{\"T\":\"t\",\"S\":\"MSFT\"},[2,3],\"x\"]"), Encoding.JSON);

        assertThat(f.problem()).isEqualTo(RejectReason.WRONG_SHAPE);
        assertThat(f.problemDetail()).startsWith("[0]");
        assertThat(f.messages()).extracting(RawMessage::symbol).containsExactly("MSFT");
    }

    @Test
    void shouldRejectAFrameThatIsAnObjectNotAnArray() {
        ParsedFrame f = parser.parse(utf8("{\"T\":\"t\"}"), Encoding.JSON);

        assertThat(f.problem()).isEqualTo(RejectReason.WRONG_SHAPE);
        assertThat(f.messages()).isEmpty();
    }

    @Test
    void shouldRejectOversizeFramesWithoutParsing() {
        ParsedFrame f = new FrameParser(10).parse(utf8("[{\"T\":\"t\",\"S\":\"AAPL\"}]"), Encoding.JSON);

        assertThat(f.problem()).isEqualTo(RejectReason.OVERSIZE);
    }

    @Test
    void shouldReencodeMsgpackObjectsAsJsonWithNanosecondTimestamps() throws Exception {
        AlpacaTrade trade = new AlpacaTrade("AAPL", 628, "K", new BigDecimal("162.92"), 3, List.of("@", "F"),
                Instant.parse("2023-04-06T11:54:26.838232225Z"), "C");
        byte[] frame = AlpacaFrames.toMsgpack(List.of(trade, trade));

        ParsedFrame f = parser.parse(frame, Encoding.MSGPACK);

        assertThat(f.ok()).isTrue();
        assertThat(f.messages()).hasSize(2);
        JsonNode json = Json.MAPPER.readTree(f.messages().get(0).json());
        assertThat(json.get("T").asText()).isEqualTo("t");
        assertThat(json.get("t").asText()).isEqualTo("2023-04-06T11:54:26.838232225Z");
        assertThat(json.get("p").decimalValue()).isEqualByComparingTo("162.92");
        assertThat(f.messages().get(0).route()).isEqualTo(Route.TRADES);
    }

    @Test
    void shouldReportBytesThatAreNotMsgpack() {
        ParsedFrame f = parser.parse(new byte[] {(byte) 0xc1, 1, 2}, Encoding.MSGPACK);

        assertThat(f.ok()).isFalse();
        assertThat(f.messages()).isEmpty();
    }
}

package dev.stockpipe.model.alpaca;

import static dev.stockpipe.model.alpaca.AlpacaMsgpackTest.f64;
import static dev.stockpipe.model.alpaca.AlpacaMsgpackTest.i64;
import static dev.stockpipe.model.alpaca.AlpacaMsgpackTest.pack;
import static dev.stockpipe.model.alpaca.AlpacaMsgpackTest.str;
import static dev.stockpipe.model.alpaca.AlpacaMsgpackTest.strings;
import static dev.stockpipe.model.alpaca.AlpacaMsgpackTest.ts32;
import static dev.stockpipe.model.alpaca.AlpacaMsgpackTest.ts64;
import static dev.stockpipe.model.alpaca.ReferenceExamples.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.stockpipe.model.MessageFormatException;
import dev.stockpipe.model.RejectReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.msgpack.core.MessagePacker;

/**
 * Bad input is data: every malformed frame fails with a {@link MessageFormatException} that names the
 * reason and the field ({@code [i].key}; null when the whole frame is unreadable), quickly and without
 * exhausting memory however hostile the bytes.
 */
class AlpacaParserMalformedTest {
    /** The trade example's t is 2023-04-06T11:54:26Z; the clock sits half a day later. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2023-04-07T00:00:00Z"), ZoneOffset.UTC);
    private final AlpacaParser parser = new AlpacaParser(CLOCK);

    /** The reference trade with one piece of its text replaced; fails if the piece is not there. */
    static String trade(String from, String to) {
        return "[" + edit(TRADE, from, to) + "]";
    }

    static String bar(String from, String to) {
        return "[" + edit(BAR, from, to) + "]";
    }

    static String edit(String json, String from, String to) {
        if (!json.contains(from)) {
            throw new IllegalArgumentException(from + " is not in " + json);
        }
        return json.replace(from, to);
    }

    static final String P = "\"p\":162.92";
    static final String S = "\"s\":3";
    static final String TS = "\"t\":\"2023-04-06T11:54:26.838232225Z\"";

    static Stream<Arguments> malformedJson() {
        return Stream.of(
                Arguments.of("truncated JSON", "[" + TRADE.substring(0, 40), RejectReason.MALFORMED_JSON, null),
                Arguments.of("empty input", "", RejectReason.MALFORMED_JSON, null),
                Arguments.of("trailing garbage after the array", "[" + TRADE + "] {}", RejectReason.MALFORMED_JSON, null),
                Arguments.of("second array after the first", "[" + TRADE + "][]", RejectReason.MALFORMED_JSON, null),
                Arguments.of("huge number literal", trade(P, "\"p\":" + "9".repeat(500)), RejectReason.MALFORMED_JSON, null),
                Arguments.of("NaN token", trade(P, "\"p\":NaN"), RejectReason.MALFORMED_JSON, null),
                Arguments.of("not an array", TRADE, RejectReason.WRONG_SHAPE, null),
                Arguments.of("JSON null", "null", RejectReason.WRONG_SHAPE, null),
                Arguments.of("element not an object", "[42]", RejectReason.WRONG_SHAPE, "[0]"),
                Arguments.of("second element a string", "[" + TRADE + ",\"t\"]", RejectReason.WRONG_SHAPE, "[1]"),
                Arguments.of("missing T", trade("\"T\":\"t\",", ""), RejectReason.MISSING_FIELD, "[0].T"),
                Arguments.of("T null", trade("\"T\":\"t\"", "\"T\":null"), RejectReason.MISSING_FIELD, "[0].T"),
                Arguments.of("T not a string", trade("\"T\":\"t\"", "\"T\":1"), RejectReason.WRONG_TYPE, "[0].T"),
                Arguments.of("unknown T", trade("\"T\":\"t\"", "\"T\":\"zz\""), RejectReason.UNKNOWN_TYPE, "[0].T"),
                Arguments.of("negative price", trade(P, "\"p\":-162.92"), RejectReason.INVALID_PRICE, "[0].p"),
                Arguments.of("zero price", trade(P, "\"p\":0"), RejectReason.INVALID_PRICE, "[0].p"),
                Arguments.of("non-numeric price", trade(P, "\"p\":\"abc\""), RejectReason.INVALID_PRICE, "[0].p"),
                Arguments.of("numeric string price", trade(P, "\"p\":\"162.92\""), RejectReason.INVALID_PRICE, "[0].p"),
                Arguments.of("missing price", trade(P + ",", ""), RejectReason.MISSING_FIELD, "[0].p"),
                Arguments.of("price above the maximum", trade(P, "\"p\":1e10"), RejectReason.INVALID_PRICE, "[0].p"),
                Arguments.of("price with a huge exponent", trade(P, "\"p\":1e999999999"), RejectReason.INVALID_PRICE, "[0].p"),
                Arguments.of("price with a tiny exponent", trade(P, "\"p\":1e-999999999"), RejectReason.INVALID_PRICE, "[0].p"),
                Arguments.of("price with 11 decimals", trade(P, "\"p\":1.00000000001"), RejectReason.INVALID_PRICE, "[0].p"),
                Arguments.of("size 0", trade(S, "\"s\":0"), RejectReason.INVALID_SIZE, "[0].s"),
                Arguments.of("fractional size", trade(S, "\"s\":1.7"), RejectReason.INVALID_SIZE, "[0].s"),
                Arguments.of("negative size", trade(S, "\"s\":-3"), RejectReason.INVALID_SIZE, "[0].s"),
                Arguments.of("size above uint32", trade(S, "\"s\":4294967296"), RejectReason.INVALID_SIZE, "[0].s"),
                Arguments.of("size with a huge exponent", trade(S, "\"s\":1e999999"), RejectReason.INVALID_SIZE, "[0].s"),
                Arguments.of("size as a string", trade(S, "\"s\":\"3\""), RejectReason.INVALID_SIZE, "[0].s"),
                Arguments.of("bad timestamp text", trade(TS, "\"t\":\"yesterday\""), RejectReason.INVALID_TIMESTAMP, "[0].t"),
                Arguments.of("timestamp without zone", trade(TS, "\"t\":\"2023-04-06T11:54:26\""), RejectReason.INVALID_TIMESTAMP, "[0].t"),
                Arguments.of("timestamp with 10 fraction digits", trade(TS, "\"t\":\"2023-04-06T11:54:26.8382322251Z\""), RejectReason.INVALID_TIMESTAMP, "[0].t"),
                Arguments.of("timestamp as a number", trade(TS, "\"t\":1680782066838"), RejectReason.INVALID_TIMESTAMP, "[0].t"),
                Arguments.of("timestamp before 1990", trade(TS, "\"t\":\"1989-12-31T23:59:59Z\""), RejectReason.INVALID_TIMESTAMP, "[0].t"),
                Arguments.of("timestamp two days ahead", trade(TS, "\"t\":\"2023-04-09T00:00:00Z\""), RejectReason.INVALID_TIMESTAMP, "[0].t"),
                Arguments.of("missing timestamp", trade("," + TS, ""), RejectReason.MISSING_FIELD, "[0].t"),
                Arguments.of("empty symbol", trade("\"S\":\"AAPL\"", "\"S\":\"\""), RejectReason.INVALID_SYMBOL, "[0].S"),
                Arguments.of("lower-case symbol", trade("\"S\":\"AAPL\"", "\"S\":\"aapl\""), RejectReason.INVALID_SYMBOL, "[0].S"),
                Arguments.of("garbage symbol", trade("\"S\":\"AAPL\"", "\"S\":\"AA PL;DROP\""), RejectReason.INVALID_SYMBOL, "[0].S"),
                Arguments.of("symbol too long", trade("\"S\":\"AAPL\"", "\"S\":\"" + "A".repeat(100) + "\""), RejectReason.INVALID_SYMBOL, "[0].S"),
                Arguments.of("symbol not a string", trade("\"S\":\"AAPL\"", "\"S\":123"), RejectReason.WRONG_TYPE, "[0].S"),
                Arguments.of("empty exchange", trade("\"x\":\"K\"", "\"x\":\"\""), RejectReason.INVALID_FIELD, "[0].x"),
                Arguments.of("fractional id", trade("\"i\":628", "\"i\":628.5"), RejectReason.WRONG_TYPE, "[0].i"),
                Arguments.of("id beyond long range", trade("\"i\":628", "\"i\":18446744073709551615"), RejectReason.WRONG_TYPE, "[0].i"),
                Arguments.of("negative id", trade("\"i\":628", "\"i\":-1"), RejectReason.INVALID_FIELD, "[0].i"),
                Arguments.of("conditions not an array", trade("[\"@\",\"F\",\"T\",\"I\"]", "\"@\""), RejectReason.WRONG_TYPE, "[0].c"),
                Arguments.of("condition not a string", trade("[\"@\",\"F\",\"T\",\"I\"]", "[\"@\",7]"), RejectReason.WRONG_TYPE, "[0].c[1]"),
                Arguments.of("tape not a string", trade("\"z\":\"C\"", "\"z\":3"), RejectReason.WRONG_TYPE, "[0].z"),
                Arguments.of("bad second message of a batch", "[" + TRADE + "," + edit(TRADE, P, "\"p\":-1") + "]", RejectReason.INVALID_PRICE, "[1].p"),
                Arguments.of("bar low above high", bar("\"l\":388.975", "\"l\":390"), RejectReason.INVALID_BAR, "[0].l"),
                Arguments.of("bar open below low", bar("\"o\":388.985", "\"o\":388.9"), RejectReason.INVALID_BAR, "[0].o"),
                Arguments.of("bar close above high", bar("\"c\":389.12", "\"c\":389.2"), RejectReason.INVALID_BAR, "[0].c"),
                Arguments.of("bar negative volume", bar("\"v\":49378", "\"v\":-1"), RejectReason.INVALID_FIELD, "[0].v"),
                Arguments.of("bar fractional volume", bar("\"v\":49378", "\"v\":0.5"), RejectReason.WRONG_TYPE, "[0].v"),
                Arguments.of("bar negative trade count", bar("\"n\":461", "\"n\":-461"), RejectReason.INVALID_FIELD, "[0].n"),
                Arguments.of("bar zero vwap", bar("\"vw\":389.062639", "\"vw\":0"), RejectReason.INVALID_PRICE, "[0].vw"),
                Arguments.of("bar missing high", bar("\"h\":389.13,", ""), RejectReason.MISSING_FIELD, "[0].h"),
                Arguments.of("quote negative bid", "[" + edit(QUOTE, "\"bp\":87.66", "\"bp\":-0.01") + "]", RejectReason.INVALID_PRICE, "[0].bp"),
                Arguments.of("correction negative corrected price", "[" + edit(CORRECTION, "\"cp\":39.1809", "\"cp\":-39.1809") + "]", RejectReason.INVALID_PRICE, "[0].cp"),
                Arguments.of("correction zero original size", "[" + edit(CORRECTION, "\"os\":440000", "\"os\":0") + "]", RejectReason.INVALID_SIZE, "[0].os"),
                Arguments.of("cancel unknown action", "[" + edit(CANCEL, "\"a\":\"C\"", "\"a\":\"Z\"") + "]", RejectReason.INVALID_FIELD, "[0].a"),
                Arguments.of("error code not a number", "[{\"T\":\"error\",\"code\":\"402\",\"msg\":\"auth failed\"}]", RejectReason.WRONG_TYPE, "[0].code"),
                Arguments.of("success without msg", "[{\"T\":\"success\"}]", RejectReason.MISSING_FIELD, "[0].msg"),
                Arguments.of("subscription channel not a list", "[{\"T\":\"subscription\",\"trades\":\"AAPL\"}]", RejectReason.WRONG_TYPE, "[0].trades"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedJson")
    void shouldRejectMalformedJsonFrameNamingReasonAndField(String name, String frame, RejectReason reason, String field) {
        MessageFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> catchThrowableOfType(
                MessageFormatException.class, () -> parser.parseJsonFrame(frame.getBytes(StandardCharsets.UTF_8))));
        assertThat(e).as(name + " must be rejected").isNotNull();
        assertThat(e.reason()).as(name + ": " + e.getMessage()).isEqualTo(reason);
        assertThat(e.field()).as(name + ": " + e.getMessage()).isEqualTo(field);
        assertThat(e.getMessage()).as("the message starts with the field").startsWith(field == null ? "" : field + ": ");
        assertThat(e.getMessage().length()).as("error texts stay short").isLessThan(400);
    }

    interface Element {
        void write(MessagePacker p) throws IOException;
    }

    /** A frame of one trade map whose price entry is written by {@code price}. */
    static byte[] msgpackTrade(Element price) {
        return pack(p -> {
            p.packArrayHeader(1);
            p.packMapHeader(9);
            str(p, "T", "t");
            str(p, "S", "AAPL");
            i64(p, "i", 628);
            str(p, "x", "K");
            price.write(p);
            i64(p, "s", 3);
            strings(p, "c", "@");
            str(p, "z", "C");
            p.packString("t");
            ts64(p, TRADE_MSG.timestamp());
        });
    }

    static byte[] msgpackTradeWithTime(Element time) {
        return pack(p -> {
            p.packArrayHeader(1);
            p.packMapHeader(8);
            str(p, "T", "t");
            str(p, "S", "AAPL");
            i64(p, "i", 628);
            str(p, "x", "K");
            f64(p, "p", 162.92);
            i64(p, "s", 3);
            str(p, "z", "C");
            p.packString("t");
            time.write(p);
        });
    }

    static Stream<Arguments> malformedMsgpack() {
        byte[] good = msgpackTrade(p -> f64(p, "p", 162.92));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 5);
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        return Stream.of(
                Arguments.of("NaN price", msgpackTrade(p -> f64(p, "p", Double.NaN)), RejectReason.INVALID_PRICE, "[0].p"),
                Arguments.of("Infinity price", msgpackTrade(p -> f64(p, "p", Double.POSITIVE_INFINITY)), RejectReason.INVALID_PRICE, "[0].p"),
                Arguments.of("negative float price", msgpackTrade(p -> f64(p, "p", -1.5)), RejectReason.INVALID_PRICE, "[0].p"),
                Arguments.of("string price", msgpackTrade(p -> str(p, "p", "162.92")), RejectReason.INVALID_PRICE, "[0].p"),
                Arguments.of("float32 price with spurious digits", msgpackTrade(p -> { p.packString("p"); p.packFloat(162.92f); }), RejectReason.INVALID_PRICE, "[0].p"),
                Arguments.of("unsupported extension type", msgpackTrade(p -> { p.packString("p"); p.packExtensionTypeHeader((byte) 5, 1); p.writePayload(new byte[] {1}); }), RejectReason.WRONG_TYPE, "[0].p"),
                Arguments.of("binary symbol", pack(p -> { p.packArrayHeader(1); p.packMapHeader(2); str(p, "T", "t"); p.packString("S"); p.packBinaryHeader(4); p.writePayload("AAPL".getBytes(StandardCharsets.US_ASCII)); }), RejectReason.WRONG_TYPE, "[0].S"),
                Arguments.of("uint64 id beyond long", pack(p -> { p.packArrayHeader(1); p.packMapHeader(3); str(p, "T", "t"); str(p, "S", "AAPL"); p.packString("i"); p.packBigInteger(new java.math.BigInteger("18446744073709551615")); }), RejectReason.WRONG_TYPE, "[0].i"),
                Arguments.of("timestamp extension of 5 bytes", msgpackTradeWithTime(p -> { p.packExtensionTypeHeader((byte) -1, 5); p.writePayload(new byte[5]); }), RejectReason.INVALID_TIMESTAMP, "[0].t"),
                Arguments.of("timestamp with 2^30-1 nanoseconds", msgpackTradeWithTime(p -> { p.packExtensionTypeHeader((byte) -1, 8); p.writePayload(java.nio.ByteBuffer.allocate(8).putLong((0x3FFFFFFFL << 34) | 1_680_782_066L).array()); }), RejectReason.INVALID_TIMESTAMP, "[0].t"),
                Arguments.of("timestamp beyond Instant range", msgpackTradeWithTime(p -> { p.packExtensionTypeHeader((byte) -1, 12); p.writePayload(java.nio.ByteBuffer.allocate(12).putInt(0).putLong(Long.MAX_VALUE).array()); }), RejectReason.INVALID_TIMESTAMP, "[0].t"),
                Arguments.of("timestamp 1970 in the 32-bit form", msgpackTradeWithTime(p -> ts32(p, Instant.EPOCH)), RejectReason.INVALID_TIMESTAMP, "[0].t"),
                Arguments.of("timestamp as an integer", msgpackTradeWithTime(p -> p.packLong(1_680_782_066_838L)), RejectReason.INVALID_TIMESTAMP, "[0].t"),
                Arguments.of("truncated frame", truncated, RejectReason.MALFORMED_JSON, "[0].t"),
                Arguments.of("trailing bytes", trailing, RejectReason.MALFORMED_JSON, null),
                Arguments.of("empty frame", new byte[0], RejectReason.MALFORMED_JSON, null),
                Arguments.of("never-used byte 0xc1", new byte[] {(byte) 0x91, (byte) 0xc1}, RejectReason.MALFORMED_JSON, "[0]"),
                Arguments.of("top level is a map", pack(p -> { p.packMapHeader(1); str(p, "T", "t"); }), RejectReason.WRONG_SHAPE, null),
                Arguments.of("element is an integer", pack(p -> { p.packArrayHeader(1); p.packInt(7); }), RejectReason.WRONG_SHAPE, "[0]"),
                Arguments.of("map key not a string", pack(p -> { p.packArrayHeader(1); p.packMapHeader(1); p.packInt(1); p.packInt(2); }), RejectReason.WRONG_SHAPE, "[0]"),
                Arguments.of("array header of 2^31-1 elements", new byte[] {(byte) 0xdd, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, RejectReason.MALFORMED_JSON, null),
                Arguments.of("map header of 2^31-1 entries", new byte[] {(byte) 0x91, (byte) 0xdf, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, RejectReason.MALFORMED_JSON, "[0]"),
                Arguments.of("binary header of 2 GiB", new byte[] {(byte) 0x91, (byte) 0x81, (byte) 0xa1, 'p', (byte) 0xc6, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1}, RejectReason.MALFORMED_JSON, "[0].p"),
                Arguments.of("extension header of 2 GiB", new byte[] {(byte) 0x91, (byte) 0x81, (byte) 0xa1, 'p', (byte) 0xc9, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 5, 1}, RejectReason.WRONG_TYPE, "[0].p"),
                Arguments.of("string header of 2 GiB", new byte[] {(byte) 0x91, (byte) 0x81, (byte) 0xa1, 'S', (byte) 0xdb, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'A'}, RejectReason.MALFORMED_JSON, "[0].S"),
                Arguments.of("nesting deeper than 32", deep(40), RejectReason.WRONG_SHAPE, "[0]" + "[0]".repeat(32)));
    }

    static byte[] deep(int depth) {
        byte[] b = new byte[depth + 1];
        java.util.Arrays.fill(b, 0, depth, (byte) 0x91); // fixarray of one element, nested
        b[depth] = (byte) 0xc0;
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedMsgpack")
    void shouldRejectMalformedMsgpackFrameNamingReasonAndField(String name, byte[] frame, RejectReason reason, String field) {
        MessageFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> catchThrowableOfType(
                MessageFormatException.class, () -> parser.parseMsgpackFrame(frame)));
        assertThat(e).as(name + " must be rejected").isNotNull();
        assertThat(e.reason()).as(name + ": " + e.getMessage()).isEqualTo(reason);
        assertThat(e.field()).as(name + ": " + e.getMessage()).isEqualTo(field);
    }

    @Test
    void shouldRejectOversizeJsonFrame() {
        AlpacaParser small = new AlpacaParser(CLOCK, 512, 1024);
        String frame = "[" + String.join(",", java.util.Collections.nCopies(10, TRADE)) + "]";
        assertThat(frame.length()).isGreaterThan(1024);
        assertThatThrownBy(() -> small.parseJsonFrame(frame))
                .isInstanceOfSatisfying(MessageFormatException.class, e -> {
                    assertThat(e.reason()).isEqualTo(RejectReason.OVERSIZE);
                    assertThat(e.field()).isNull();
                    assertThat(e.getMessage()).contains("1024");
                });
        assertThat(new AlpacaParser(CLOCK).parseJsonFrame(frame)).hasSize(10);
    }

    @Test
    void shouldRejectOversizeMsgpackFrame() {
        byte[] frame = msgpackTrade(p -> f64(p, "p", 162.92));
        AlpacaParser small = new AlpacaParser(CLOCK, 512, frame.length - 1);
        assertThat(new AlpacaParser(CLOCK, 512, frame.length).parseMsgpackFrame(frame)).hasSize(1);
        assertThatThrownBy(() -> small.parseMsgpackFrame(frame))
                .isInstanceOfSatisfying(MessageFormatException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.OVERSIZE));
    }

    @Test
    void shouldRejectOversizeMessageOnRawTopic() {
        AlpacaParser small = new AlpacaParser(CLOCK, 128, 1024);
        byte[] padded = edit(TRADE, "\"z\":\"C\"", "\"z\":\"C\",\"pad\":\"" + "x".repeat(200) + "\"").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> small.parseJsonMessage(padded))
                .isInstanceOfSatisfying(MessageFormatException.class, e -> {
                    assertThat(e.reason()).isEqualTo(RejectReason.OVERSIZE);
                    assertThat(e.field()).isNull();
                });
        assertThat(small.parseJsonMessage(TRADE.getBytes(StandardCharsets.UTF_8))).isEqualTo(TRADE_MSG);
    }

    @Test
    void shouldRejectNullRawValueAndArrayAsRawValue() {
        assertThat(catchThrowableOfType(MessageFormatException.class, () -> parser.parseJsonMessage(null)).reason())
                .isEqualTo(RejectReason.NULL_VALUE);
        assertThat(catchThrowableOfType(MessageFormatException.class,
                () -> parser.parseJsonMessage(("[" + TRADE + "]").getBytes(StandardCharsets.UTF_8))).reason())
                .isEqualTo(RejectReason.WRONG_SHAPE);
    }

    @Test
    void shouldRejectBytesThatAreNotUtf8() {
        byte[] bad = {'[', '{', '"', 'T', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', ']'};
        assertThat(catchThrowableOfType(MessageFormatException.class, () -> parser.parseJsonFrame(bad)).reason())
                .isEqualTo(RejectReason.MALFORMED_JSON);
    }

    @Test
    void shouldKeepErrorTextShortForHugeStrings() {
        String frame = trade("\"S\":\"AAPL\"", "\"S\":\"" + "a".repeat(1_000_000) + "\"");
        MessageFormatException e = catchThrowableOfType(MessageFormatException.class, () -> parser.parseJsonFrame(frame));
        assertThat(e.reason()).isEqualTo(RejectReason.INVALID_SYMBOL);
        assertThat(e.getMessage().length()).isLessThan(200);
    }

    @Test
    void shouldLocateErrorWithinFrameKeepingTheDetail() {
        MessageFormatException e = new MessageFormatException(RejectReason.INVALID_PRICE, "p", "price must be > 0, got -1");
        MessageFormatException located = e.at(3);
        assertThat(located.field()).isEqualTo("[3].p");
        assertThat(located.getMessage()).isEqualTo("[3].p: price must be > 0, got -1");
        assertThat(located.detail()).isEqualTo("price must be > 0, got -1");
        assertThat(located.reason()).isEqualTo(RejectReason.INVALID_PRICE);
        assertThat(located.getCause()).isSameAs(e);
        assertThat(new MessageFormatException(RejectReason.WRONG_SHAPE, null, "x").at(1).field()).isEqualTo("[1]");
    }
}

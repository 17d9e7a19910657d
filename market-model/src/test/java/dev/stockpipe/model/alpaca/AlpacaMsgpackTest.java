package dev.stockpipe.model.alpaca;

import static dev.stockpipe.model.alpaca.ReferenceExamples.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/**
 * MessagePack frames built independently of {@link AlpacaFrames}, byte by byte with msgpack-core's packer,
 * the way Alpaca's server writes them: T first, t as the timestamp extension (-1) in each of its three
 * forms, prices as float64 or as integers.
 */
class AlpacaMsgpackTest {
    private final AlpacaParser parser = new AlpacaParser(CLOCK);

    interface Body {
        void write(MessagePacker p) throws IOException;
    }

    static byte[] pack(Body body) {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            body.write(p);
            return p.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 32-bit form: seconds only. */
    static void ts32(MessagePacker p, Instant t) throws IOException {
        p.packExtensionTypeHeader((byte) -1, 4);
        p.writePayload(ByteBuffer.allocate(4).putInt((int) t.getEpochSecond()).array());
    }

    /** 64-bit form: 30-bit nanoseconds, 34-bit seconds. */
    static void ts64(MessagePacker p, Instant t) throws IOException {
        long v = ((long) t.getNano() << 34) | t.getEpochSecond();
        p.packExtensionTypeHeader((byte) -1, 8);
        p.writePayload(ByteBuffer.allocate(8).putLong(v).array());
    }

    /** 96-bit form: 32-bit nanoseconds, 64-bit signed seconds. */
    static void ts96(MessagePacker p, Instant t) throws IOException {
        p.packExtensionTypeHeader((byte) -1, 12);
        p.writePayload(ByteBuffer.allocate(12).putInt(t.getNano()).putLong(t.getEpochSecond()).array());
    }

    static void str(MessagePacker p, String k, String v) throws IOException {
        p.packString(k);
        p.packString(v);
    }

    static void f64(MessagePacker p, String k, double v) throws IOException {
        p.packString(k);
        p.packDouble(v);
    }

    static void i64(MessagePacker p, String k, long v) throws IOException {
        p.packString(k);
        p.packLong(v);
    }

    static void strings(MessagePacker p, String k, String... v) throws IOException {
        p.packString(k);
        p.packArrayHeader(v.length);
        for (String s : v) {
            p.packString(s);
        }
    }

    /** The reference trade, T first, docs' key order, t in the 64-bit form. */
    static void trade(MessagePacker p) throws IOException {
        p.packMapHeader(9);
        str(p, "T", "t");
        str(p, "S", "AAPL");
        i64(p, "i", 628);
        str(p, "x", "K");
        f64(p, "p", 162.92);
        i64(p, "s", 3);
        strings(p, "c", "@", "F", "T", "I");
        str(p, "z", "C");
        p.packString("t");
        ts64(p, TRADE_MSG.timestamp());
    }

    @Test
    void shouldParseTradeWithSixtyFourBitTimestampKeepingNanoseconds() {
        byte[] frame = pack(p -> {
            p.packArrayHeader(1);
            trade(p);
        });
        AlpacaTrade t = (AlpacaTrade) parser.parseMsgpackFrame(frame).get(0);
        assertThat(t).isEqualTo(TRADE_MSG);
        assertThat(t.timestamp().getNano()).isEqualTo(838_232_225);
        assertThat(t.price()).isEqualTo(dec("162.92")); // float64 162.92 is read as the decimal 162.92
    }

    @Test
    void shouldParseBarWithThirtyTwoBitTimestamp() {
        byte[] frame = pack(p -> {
            p.packArrayHeader(1);
            p.packMapHeader(10);
            str(p, "T", "b");
            str(p, "S", "SPY");
            f64(p, "o", 388.985);
            f64(p, "h", 389.13);
            f64(p, "l", 388.975);
            f64(p, "c", 389.12);
            i64(p, "v", 49378);
            p.packString("t");
            ts32(p, BAR_MSG.timestamp());
            i64(p, "n", 461);
            f64(p, "vw", 389.062639);
        });
        assertThat(parser.parseMsgpackFrame(frame)).containsExactly(BAR_MSG);
    }

    @Test
    void shouldParseIntegerPricesAsTheSameDecimalsAsJson() {
        String json = "[{\"T\":\"b\",\"S\":\"FAKEPACA\",\"o\":135.5,\"h\":136,\"l\":135,\"c\":135.75,\"v\":100,\"t\":\"2024-01-02T15:00:00Z\",\"n\":3,\"vw\":135.6}]";
        byte[] frame = pack(p -> {
            p.packArrayHeader(1);
            p.packMapHeader(10);
            str(p, "T", "b");
            str(p, "S", "FAKEPACA");
            f64(p, "o", 135.5);
            i64(p, "h", 136);          // integral price as a msgpack integer
            f64(p, "l", 135.0);        // integral price as float64
            f64(p, "c", 135.75);
            i64(p, "v", 100);
            p.packString("t");
            ts32(p, Instant.parse("2024-01-02T15:00:00Z"));
            i64(p, "n", 3);
            f64(p, "vw", 135.6);
        });
        AlpacaBar fromMsgpack = (AlpacaBar) parser.parseMsgpackFrame(frame).get(0);
        assertThat(fromMsgpack).isEqualTo(parser.parseJsonFrame(json).get(0));
        assertThat(fromMsgpack.high()).isEqualTo(dec("136"));
        assertThat(fromMsgpack.low()).isEqualTo(dec("135"));
    }

    @Test
    void shouldParseCorrectionWithNinetySixBitTimestampAndLargeIds() {
        byte[] frame = pack(p -> {
            p.packArrayHeader(1);
            p.packMapHeader(13);
            str(p, "T", "c");
            str(p, "S", "EEM");
            str(p, "x", "M");
            i64(p, "oi", 52983525033527L);
            f64(p, "op", 39.1582);
            i64(p, "os", 440000);
            strings(p, "oc", " ", "7");
            i64(p, "ci", 52983525034326L);
            f64(p, "cp", 39.1809);
            i64(p, "cs", 440000);
            strings(p, "cc", " ", "7");
            str(p, "z", "B");
            p.packString("t");
            ts96(p, CORRECTION_MSG.timestamp());
        });
        assertThat(parser.parseMsgpackFrame(frame)).containsExactly(CORRECTION_MSG);
    }

    @Test
    void shouldParseBatchOfQuoteStatusLuldCancelImbalance() {
        byte[] frame = pack(p -> {
            p.packArrayHeader(5);
            p.packMapHeader(11);
            str(p, "T", "q");
            str(p, "S", "AMD");
            str(p, "bx", "U");
            f64(p, "bp", 87.66);
            i64(p, "bs", 1);
            str(p, "ax", "Q");
            f64(p, "ap", 87.68);
            i64(p, "as", 4);
            p.packString("t");
            ts96(p, QUOTE_MSG.timestamp());
            strings(p, "c", "R");
            str(p, "z", "C");

            p.packMapHeader(8);
            str(p, "T", "s");
            str(p, "S", "AAPL");
            str(p, "sc", "H");
            str(p, "sm", "Trading Halt");
            str(p, "rc", "T12");
            str(p, "rm", "Trading Halted; For information requested by NASDAQ");
            p.packString("t");
            ts32(p, STATUS_MSG.timestamp());
            str(p, "z", "C");

            p.packMapHeader(7);
            str(p, "T", "l");
            str(p, "S", "IONM");
            f64(p, "u", 3.24);
            f64(p, "d", 2.65);
            str(p, "i", "B");
            p.packString("t");
            ts64(p, LULD_MSG.timestamp());
            str(p, "z", "C");

            p.packMapHeader(9);
            str(p, "T", "x");
            str(p, "S", "GOOGL");
            i64(p, "i", 465);
            str(p, "x", "D");
            f64(p, "p", 105.31);
            i64(p, "s", 300);
            str(p, "a", "C");
            str(p, "z", "C");
            p.packString("t");
            ts64(p, CANCEL_MSG.timestamp());

            p.packMapHeader(5);
            str(p, "T", "i");
            str(p, "S", "INAQU");
            f64(p, "p", 9.12);
            str(p, "z", "C");
            p.packString("t");
            ts96(p, IMBALANCE_MSG.timestamp());
        });
        assertThat(parser.parseMsgpackFrame(frame)).containsExactly(QUOTE_MSG, STATUS_MSG, LULD_MSG, CANCEL_MSG, IMBALANCE_MSG);
    }

    @Test
    void shouldParseControlFramesAndSubscriptionReply() {
        byte[] connected = pack(p -> {
            p.packArrayHeader(1);
            p.packMapHeader(2);
            str(p, "T", "success");
            str(p, "msg", "connected");
        });
        byte[] error = pack(p -> {
            p.packArrayHeader(1);
            p.packMapHeader(3);
            str(p, "T", "error");
            i64(p, "code", 402);
            str(p, "msg", "auth failed");
        });
        byte[] subscription = pack(p -> {
            p.packArrayHeader(1);
            p.packMapHeader(10);
            str(p, "T", "subscription");
            strings(p, "trades", "AAPL");
            strings(p, "quotes", "AMD", "CLDR");
            strings(p, "bars", "*");
            strings(p, "updatedBars");
            strings(p, "dailyBars", "VOO");
            strings(p, "statuses", "*");
            strings(p, "lulds");
            strings(p, "corrections", "AAPL");
            strings(p, "cancelErrors", "AAPL");
        });
        assertThat(parser.parseMsgpackFrame(connected)).containsExactly(AlpacaSuccess.CONNECTED);
        assertThat(parser.parseMsgpackFrame(error)).containsExactly(AlpacaError.AUTH_FAILED);
        assertThat(parser.parseMsgpackFrame(subscription)).containsExactly(SUBSCRIPTION_MSG);
    }

    @Test
    void shouldSkipUnknownReceiveTimeKeyInMsgpack() {
        byte[] frame = pack(p -> {
            p.packArrayHeader(1);
            p.packMapHeader(10);
            str(p, "T", "t");
            str(p, "S", "AAPL");
            i64(p, "i", 628);
            str(p, "x", "K");
            f64(p, "p", 162.92);
            i64(p, "s", 3);
            strings(p, "c", "@", "F", "T", "I");
            str(p, "z", "C");
            p.packString("t");
            ts64(p, TRADE_MSG.timestamp());
            p.packString("r");
            ts96(p, Instant.parse("2023-04-06T11:54:26.840000001Z"));
        });
        assertThat(parser.parseMsgpackFrame(frame)).containsExactly(TRADE_MSG);
    }

    @Test
    void shouldAgreeWithAlpacaFramesEncoding() {
        byte[] independent = pack(p -> {
            p.packArrayHeader(1);
            trade(p);
        });
        assertThat(parser.parseMsgpackFrame(independent))
                .isEqualTo(parser.parseMsgpackFrame(AlpacaFrames.toMsgpack(List.of(TRADE_MSG))));
    }

    @Test
    void shouldSplitMsgpackFrameIntoJsonTreesWithRfc3339Timestamps() {
        byte[] frame = pack(p -> {
            p.packArrayHeader(1);
            trade(p);
        });
        List<JsonNode> nodes = parser.splitMsgpackFrame(frame);
        assertThat(nodes).hasSize(1);
        assertThat(nodes.get(0).get("t").textValue()).isEqualTo("2023-04-06T11:54:26.838232225Z");
        assertThat(nodes.get(0).get("p").decimalValue()).isEqualTo(dec("162.92"));
        assertThat(nodes.get(0).fieldNames().next()).isEqualTo("T");
    }

    @Test
    void shouldReadUint64IdsWithinLongRange() {
        byte[] frame = pack(p -> {
            p.packArrayHeader(1);
            p.packMapHeader(9);
            str(p, "T", "t");
            str(p, "S", "AAPL");
            p.packString("i");
            p.packBigInteger(BigInteger.valueOf(Long.MAX_VALUE)); // still fits a long
            str(p, "x", "D");
            f64(p, "p", 162.92);
            i64(p, "s", 3);
            strings(p, "c");
            str(p, "z", "C");
            p.packString("t");
            ts64(p, TRADE_MSG.timestamp());
        });
        assertThat(((AlpacaTrade) parser.parseMsgpackFrame(frame).get(0)).id()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldWriteClientFramesFromJsonTrees() throws Exception {
        JsonNode auth = dev.stockpipe.model.Json.MAPPER.readTree("{\"action\":\"auth\",\"key\":\"test\",\"secret\":\"test\"}");
        assertThat(MsgpackTree.read(MsgpackTree.write(auth))).isEqualTo(auth);
    }
}

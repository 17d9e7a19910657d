package dev.stockpipe.model.alpaca;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.MarketTime;
import dev.stockpipe.model.MessageFormatException;
import dev.stockpipe.model.RejectReason;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses Alpaca stream messages from JSON trees (the JSON and MessagePack paths both end here) and
 * applies the rules of a valid message: types, required fields, price &gt; 0 and finite, size &gt; 0 and
 * integral, a sane timestamp, the symbol format, OHLC consistency. Every failure is a
 * {@link MessageFormatException} naming the field and the reason. Unknown keys are skipped, as every
 * Alpaca SDK does.
 */
public final class AlpacaParser {
    /** An Alpaca message is well under 1 KB; anything past this is not one. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
    /** Frames batch many messages; 16 MiB bounds what one frame may make us allocate. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
    /** Event times more than this ahead of the wall clock are rejected (DESIGN.md). */
    public static final Duration MAX_AHEAD = Duration.ofDays(1);
    /** No listed stock trades above this; larger numbers are errors, not prices. */
    public static final BigDecimal MAX_PRICE = new BigDecimal("1000000000");
    /** Decimal places kept at most (prices carry up to 4-6 today). */
    public static final int MAX_PRICE_SCALE = 10;
    /** Trade and quote sizes are uint32. */
    public static final long MAX_TRADE_SIZE = 4_294_967_295L;
    /** Upper-case letters/digits, optionally one class suffix after '.', '/' or '-' (BRK.B, BF/B). */
    public static final Pattern SYMBOL = Pattern.compile("[A-Z][A-Z0-9]{0,10}(?:[./-][A-Z0-9]{1,5})?");

    private static final ObjectReader READER = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // Jackson's default turns 162.90 into 162.9 and 100.00 into 1E+2; DESIGN.md keeps numbers as received.
            .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);

    private final Clock clock;
    private final int maxMessageBytes;
    private final int maxFrameBytes;

    public AlpacaParser(Clock clock, int maxMessageBytes, int maxFrameBytes) {
        this.clock = clock;
        this.maxMessageBytes = maxMessageBytes;
        this.maxFrameBytes = maxFrameBytes;
    }

    public AlpacaParser(Clock clock) {
        this(clock, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_FRAME_BYTES);
    }

    /** A parser on the system clock with the default limits. */
    public static AlpacaParser system() {
        return new AlpacaParser(Clock.systemUTC());
    }

    // ---------------------------------------------------------------- frames

    /** Splits a JSON frame into its message objects without judging them (the bridge routes raw objects). */
    public List<JsonNode> splitJsonFrame(byte[] frame) {
        if (frame.length > maxFrameBytes) {
            throw new MessageFormatException(RejectReason.OVERSIZE, null,
                    "frame of " + frame.length + " bytes exceeds the limit of " + maxFrameBytes);
        }
        return elements(readJson(frame));
    }

    /** Splits a MessagePack frame into message objects, as JSON trees (timestamps as RFC 3339 text). */
    public List<JsonNode> splitMsgpackFrame(byte[] frame) {
        if (frame.length > maxFrameBytes) {
            throw new MessageFormatException(RejectReason.OVERSIZE, null,
                    "frame of " + frame.length + " bytes exceeds the limit of " + maxFrameBytes);
        }
        return elements(MsgpackTree.read(frame));
    }

    /** Parses a whole JSON frame strictly: the first bad element fails the frame, naming {@code [i].field}. */
    public List<AlpacaMessage> parseJsonFrame(byte[] frame) {
        return parseAll(splitJsonFrame(frame));
    }

    public List<AlpacaMessage> parseJsonFrame(String frame) {
        return parseJsonFrame(frame.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Parses a whole MessagePack frame strictly. */
    public List<AlpacaMessage> parseMsgpackFrame(byte[] frame) {
        return parseAll(splitMsgpackFrame(frame));
    }

    /** Parses one message object given as JSON bytes (a raw topic value). */
    public AlpacaMessage parseJsonMessage(byte[] json) {
        if (json == null) {
            throw new MessageFormatException(RejectReason.NULL_VALUE, null, "no value");
        }
        if (json.length > maxMessageBytes) {
            throw new MessageFormatException(RejectReason.OVERSIZE, null,
                    "message of " + json.length + " bytes exceeds the limit of " + maxMessageBytes);
        }
        return parse(readJson(json));
    }

    private List<AlpacaMessage> parseAll(List<JsonNode> nodes) {
        List<AlpacaMessage> out = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            try {
                out.add(parse(nodes.get(i)));
            } catch (MessageFormatException e) {
                throw e.at(i);
            }
        }
        return out;
    }

    private static JsonNode readJson(byte[] bytes) {
        try {
            JsonNode node = READER.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new MessageFormatException(RejectReason.MALFORMED_JSON, null, "empty input");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new MessageFormatException(RejectReason.MALFORMED_JSON, null, "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MessageFormatException(RejectReason.MALFORMED_JSON, null, "not valid JSON: " + e.getMessage(), e);
        }
    }

    private static List<JsonNode> elements(JsonNode frame) {
        if (!frame.isArray()) {
            throw new MessageFormatException(RejectReason.WRONG_SHAPE, null,
                    "a frame must be an array of objects, got " + frame.getNodeType().name().toLowerCase());
        }
        List<JsonNode> out = new ArrayList<>(frame.size());
        for (int i = 0; i < frame.size(); i++) {
            JsonNode e = frame.get(i);
            if (!e.isObject()) {
                throw new MessageFormatException(RejectReason.WRONG_SHAPE, "[" + i + "]",
                        "a message must be an object, got " + e.getNodeType().name().toLowerCase());
            }
            out.add(e);
        }
        return out;
    }

    // ---------------------------------------------------------------- messages

    /** Parses and validates one message object. */
    public AlpacaMessage parse(JsonNode m) {
        if (m == null || !m.isObject()) {
            throw new MessageFormatException(RejectReason.WRONG_SHAPE, null, "a message must be an object");
        }
        JsonNode tNode = m.get("T");
        if (tNode == null || tNode.isNull()) {
            throw new MessageFormatException(RejectReason.MISSING_FIELD, "T", "required field is missing");
        }
        if (!tNode.isTextual()) {
            throw new MessageFormatException(RejectReason.WRONG_TYPE, "T", "must be a string, got " + kind(tNode));
        }
        String t = tNode.textValue();
        return switch (t) {
            case AlpacaTrade.T -> new AlpacaTrade(symbol(m), id(m, "i"), exchange(m, "x"), price(m, "p"),
                    tradeSize(m, "s"), strings(m, "c"), timestamp(m), optText(m, "z"));
            case AlpacaQuote.T -> new AlpacaQuote(symbol(m), optText(m, "bx"), quotePrice(m, "bp"), quoteSize(m, "bs"),
                    optText(m, "ax"), quotePrice(m, "ap"), quoteSize(m, "as"), strings(m, "c"), timestamp(m), optText(m, "z"));
            case "b", "u", "d" -> bar(m, AlpacaBar.Kind.ofT(t));
            case AlpacaCorrection.T -> new AlpacaCorrection(symbol(m), exchange(m, "x"),
                    id(m, "oi"), price(m, "op"), tradeSize(m, "os"), strings(m, "oc"),
                    id(m, "ci"), price(m, "cp"), tradeSize(m, "cs"), strings(m, "cc"),
                    timestamp(m), optText(m, "z"));
            case AlpacaCancel.T -> new AlpacaCancel(symbol(m), id(m, "i"), exchange(m, "x"), price(m, "p"),
                    tradeSize(m, "s"), action(m), timestamp(m), optText(m, "z"));
            case AlpacaStatus.T -> new AlpacaStatus(symbol(m), optText(m, "sc"), optText(m, "sm"), optText(m, "rc"),
                    optText(m, "rm"), timestamp(m), optText(m, "z"));
            case AlpacaLuld.T -> new AlpacaLuld(symbol(m), quotePrice(m, "u"), quotePrice(m, "d"), optText(m, "i"),
                    timestamp(m), optText(m, "z"));
            case AlpacaImbalance.T -> new AlpacaImbalance(symbol(m), quotePrice(m, "p"), timestamp(m), optText(m, "z"));
            case AlpacaSuccess.T -> new AlpacaSuccess(text(m, "msg"));
            case AlpacaError.T -> new AlpacaError((int) integral(m, "code", 0, 99_999_999), text(m, "msg"));
            case AlpacaSubscription.T -> subscription(m);
            default -> throw new MessageFormatException(RejectReason.UNKNOWN_TYPE, "T", "unknown message type '" + clip(t) + "'");
        };
    }

    private AlpacaBar bar(JsonNode m, AlpacaBar.Kind kind) {
        String s = symbol(m);
        BigDecimal o = price(m, "o");
        BigDecimal h = price(m, "h");
        BigDecimal l = price(m, "l");
        BigDecimal c = price(m, "c");
        long v = integral(m, "v", 0, Long.MAX_VALUE);
        Long n = has(m, "n") ? integral(m, "n", 0, Long.MAX_VALUE) : null;
        BigDecimal vw = has(m, "vw") ? price(m, "vw") : null;
        Instant ts = timestamp(m);
        if (l.compareTo(h) > 0) {
            throw new MessageFormatException(RejectReason.INVALID_BAR, "l", "low " + l + " is above high " + h);
        }
        if (l.compareTo(o) > 0 || o.compareTo(h) > 0) {
            throw new MessageFormatException(RejectReason.INVALID_BAR, "o", "open " + o + " is outside [low " + l + ", high " + h + "]");
        }
        if (l.compareTo(c) > 0 || c.compareTo(h) > 0) {
            throw new MessageFormatException(RejectReason.INVALID_BAR, "c", "close " + c + " is outside [low " + l + ", high " + h + "]");
        }
        return new AlpacaBar(kind, s, o, h, l, c, v, n, vw, ts);
    }

    private static AlpacaSubscription subscription(JsonNode m) {
        Map<String, List<String>> channels = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = m.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().equals("T")) {
                continue;
            }
            channels.put(e.getKey(), strings(m, e.getKey()));
        }
        return new AlpacaSubscription(channels);
    }

    // ---------------------------------------------------------------- fields

    private static boolean has(JsonNode m, String f) {
        JsonNode n = m.get(f);
        return n != null && !n.isNull();
    }

    private static JsonNode required(JsonNode m, String f) {
        JsonNode n = m.get(f);
        if (n == null || n.isNull()) {
            throw new MessageFormatException(RejectReason.MISSING_FIELD, f, "required field is missing");
        }
        return n;
    }

    private static String text(JsonNode m, String f) {
        JsonNode n = required(m, f);
        if (!n.isTextual()) {
            throw new MessageFormatException(RejectReason.WRONG_TYPE, f, "must be a string, got " + kind(n));
        }
        return n.textValue();
    }

    private static String optText(JsonNode m, String f) {
        return has(m, f) ? text(m, f) : null;
    }

    private static String symbol(JsonNode m) {
        String s = text(m, "S");
        if (s.isEmpty()) {
            throw new MessageFormatException(RejectReason.INVALID_SYMBOL, "S", "symbol is empty");
        }
        if (!SYMBOL.matcher(s).matches()) {
            throw new MessageFormatException(RejectReason.INVALID_SYMBOL, "S", "'" + clip(s) + "' is not a symbol (upper-case letters and digits, optional .B class)");
        }
        return s;
    }

    private static String exchange(JsonNode m, String f) {
        String x = text(m, f);
        if (x.isEmpty() || x.length() > 4) {
            throw new MessageFormatException(RejectReason.INVALID_FIELD, f, "exchange code '" + clip(x) + "' must be 1 to 4 characters");
        }
        return x;
    }

    private static String action(JsonNode m) {
        if (!has(m, "a")) {
            return "C";
        }
        String a = text(m, "a");
        if (!a.equals("C") && !a.equals("E")) {
            throw new MessageFormatException(RejectReason.INVALID_FIELD, "a", "action must be \"C\" or \"E\", got '" + clip(a) + "'");
        }
        return a;
    }

    private static BigDecimal number(JsonNode m, String f, RejectReason reason) {
        JsonNode n = required(m, f);
        if (!n.isNumber()) {
            throw new MessageFormatException(reason, f, "must be a number, got " + kind(n));
        }
        if ((n.isDouble() || n.isFloat()) && !Double.isFinite(n.doubleValue())) {
            throw new MessageFormatException(reason, f, "must be finite, got " + n.doubleValue());
        }
        return n.decimalValue();
    }

    /** Price rules: a number, finite, &gt; 0, below {@link #MAX_PRICE}, at most {@link #MAX_PRICE_SCALE} places. */
    private static BigDecimal price(JsonNode m, String f) {
        BigDecimal p = number(m, f, RejectReason.INVALID_PRICE);
        if (p.signum() <= 0) {
            throw new MessageFormatException(RejectReason.INVALID_PRICE, f, "price must be > 0, got " + show(p));
        }
        return checkMagnitude(f, p);
    }

    /** Quote prices and bands: 0 means "none", so &gt;= 0. */
    private static BigDecimal quotePrice(JsonNode m, String f) {
        if (!has(m, f)) {
            return null;
        }
        BigDecimal p = number(m, f, RejectReason.INVALID_PRICE);
        if (p.signum() < 0) {
            throw new MessageFormatException(RejectReason.INVALID_PRICE, f, "price must be >= 0, got " + show(p));
        }
        return checkMagnitude(f, p);
    }

    /**
     * Range and precision of a positive price. Only cheap BigDecimal operations run before the checks
     * pass: {@code 1e999999999} is 12 bytes of JSON but a billion digits as plain text.
     */
    private static BigDecimal checkMagnitude(String f, BigDecimal p) {
        if (p.compareTo(MAX_PRICE) >= 0) {
            throw new MessageFormatException(RejectReason.INVALID_PRICE, f, "price " + show(p) + " is not below " + MAX_PRICE.toPlainString());
        }
        if (p.stripTrailingZeros().scale() > MAX_PRICE_SCALE) {
            throw new MessageFormatException(RejectReason.INVALID_PRICE, f, "price " + show(p) + " has more than " + MAX_PRICE_SCALE + " decimal places");
        }
        // 1E+2 (from "1e2") becomes 100: equal values print and compare alike downstream.
        return p.scale() < 0 ? p.setScale(0) : p;
    }

    /** A bounded text of any decimal: plain when short, else scientific, clipped. */
    private static String show(BigDecimal d) {
        boolean plainIsShort = Math.abs((long) d.scale()) <= 40 && d.precision() <= 40;
        return clip(plainIsShort ? d.toPlainString() : d.toString());
    }

    private static long tradeSize(JsonNode m, String f) {
        long s = integralOf(m, f, RejectReason.INVALID_SIZE);
        if (s <= 0 || s > MAX_TRADE_SIZE) {
            throw new MessageFormatException(RejectReason.INVALID_SIZE, f, "size must be an integer in 1.." + MAX_TRADE_SIZE + ", got " + s);
        }
        return s;
    }

    private static long quoteSize(JsonNode m, String f) {
        if (!has(m, f)) {
            return 0;
        }
        long s = integralOf(m, f, RejectReason.INVALID_SIZE);
        if (s < 0 || s > MAX_TRADE_SIZE) {
            throw new MessageFormatException(RejectReason.INVALID_SIZE, f, "size must be an integer in 0.." + MAX_TRADE_SIZE + ", got " + s);
        }
        return s;
    }

    private static long id(JsonNode m, String f) {
        return integral(m, f, 0, Long.MAX_VALUE);
    }

    private static long integral(JsonNode m, String f, long min, long max) {
        long v = integralOf(m, f, RejectReason.WRONG_TYPE);
        if (v < min || v > max) {
            throw new MessageFormatException(RejectReason.INVALID_FIELD, f, "must be in " + min + ".." + max + ", got " + v);
        }
        return v;
    }

    /** An integer-valued number (1.0 is accepted, 1.7 is not), within long range. */
    private static long integralOf(JsonNode m, String f, RejectReason reason) {
        JsonNode n = required(m, f);
        if (!n.isNumber()) {
            throw new MessageFormatException(reason, f, "must be an integer, got " + kind(n));
        }
        if (n.isIntegralNumber()) {
            if (!n.canConvertToLong()) {
                throw new MessageFormatException(reason, f, "integer " + clip(n.asText()) + " is out of range");
            }
            return n.longValue();
        }
        if ((n.isDouble() || n.isFloat()) && !Double.isFinite(n.doubleValue())) {
            throw new MessageFormatException(reason, f, "must be an integer, got " + n.doubleValue());
        }
        // Decide on scale and digit count first: toBigIntegerExact of 1e999999 builds a million digits.
        BigDecimal d = n.decimalValue().stripTrailingZeros();
        if (d.scale() > 0) {
            throw new MessageFormatException(reason, f, "must be an integer, got fractional " + show(d));
        }
        if ((long) d.precision() - d.scale() > 19) {
            throw new MessageFormatException(reason, f, "integer " + show(d) + " is out of range");
        }
        try {
            return d.longValueExact();
        } catch (ArithmeticException e) {
            throw new MessageFormatException(reason, f, "integer " + show(d) + " is out of range");
        }
    }

    private static List<String> strings(JsonNode m, String f) {
        if (!has(m, f)) {
            return List.of();
        }
        JsonNode n = m.get(f);
        if (!n.isArray()) {
            throw new MessageFormatException(RejectReason.WRONG_TYPE, f, "must be an array of strings, got " + kind(n));
        }
        List<String> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!e.isTextual()) {
                throw new MessageFormatException(RejectReason.WRONG_TYPE, f + "[" + i + "]", "must be a string, got " + kind(e));
            }
            out.add(e.textValue());
        }
        return out;
    }

    private Instant timestamp(JsonNode m) {
        JsonNode n = required(m, "t");
        if (!n.isTextual()) {
            throw new MessageFormatException(RejectReason.INVALID_TIMESTAMP, "t", "must be an RFC 3339 string, got " + kind(n));
        }
        Instant ts;
        try {
            ts = MarketTime.parseInstant(n.textValue());
        } catch (DateTimeException e) {
            throw new MessageFormatException(RejectReason.INVALID_TIMESTAMP, "t", "'" + clip(n.textValue()) + "' is not an RFC 3339 timestamp");
        }
        if (ts.isBefore(MarketTime.EARLIEST)) {
            throw new MessageFormatException(RejectReason.INVALID_TIMESTAMP, "t", ts + " is before " + MarketTime.EARLIEST);
        }
        Instant limit = clock.instant().plus(MAX_AHEAD);
        if (ts.isAfter(limit)) {
            throw new MessageFormatException(RejectReason.INVALID_TIMESTAMP, "t", ts + " is more than " + MAX_AHEAD.toHours() + " h ahead of the clock");
        }
        return ts;
    }

    private static String kind(JsonNode n) {
        return n.getNodeType().name().toLowerCase();
    }

    /** Keeps error texts short whatever the input (a 1 MB string stays out of logs). */
    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}

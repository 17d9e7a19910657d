package dev.stockpipe.model.alpaca;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Every example frame of /work/shared/reference/alpaca-protocol.md (§2.2, §2.4, §4), copied byte for byte,
 * with the message each one must parse to.
 */
final class ReferenceExamples {
    private ReferenceExamples() {}

    /** After every example's timestamp, so none is "ahead of the clock". */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-02T14:00:00Z"), ZoneOffset.UTC);

    static final String CONNECTED = "[{\"T\":\"success\",\"msg\":\"connected\"}]";
    static final String AUTHENTICATED = "[{\"T\":\"success\",\"msg\":\"authenticated\"}]";
    static final String AUTH_FAILED = "[{\"T\":\"error\",\"code\":402,\"msg\":\"auth failed\"}]";
    static final String NOT_AUTHENTICATED = "[{\"T\":\"error\",\"code\":401,\"msg\":\"not authenticated\"}]";
    static final String CONNECTION_LIMIT = "[{\"T\":\"error\",\"code\":406,\"msg\":\"connection limit exceeded\"}]";
    static final String SUBSCRIPTION = "[{\"T\":\"subscription\",\"trades\":[\"AAPL\"],\"quotes\":[\"AMD\",\"CLDR\"],\"bars\":[\"*\"],"
            + "\"updatedBars\":[],\"dailyBars\":[\"VOO\"],\"statuses\":[\"*\"],\"lulds\":[],\"corrections\":[\"AAPL\"],\"cancelErrors\":[\"AAPL\"]}]";

    static final String TRADE = "{\"T\":\"t\",\"S\":\"AAPL\",\"i\":628,\"x\":\"K\",\"p\":162.92,\"s\":3,\"c\":[\"@\",\"F\",\"T\",\"I\"],\"z\":\"C\",\"t\":\"2023-04-06T11:54:26.838232225Z\"}";
    static final String QUOTE = "{\"T\":\"q\",\"S\":\"AMD\",\"bx\":\"U\",\"bp\":87.66,\"bs\":1,\"ax\":\"Q\",\"ap\":87.68,\"as\":4,\"t\":\"2021-02-22T15:51:45.335689322Z\",\"c\":[\"R\"],\"z\":\"C\"}";
    static final String BAR = "{\"T\":\"b\",\"S\":\"SPY\",\"o\":388.985,\"h\":389.13,\"l\":388.975,\"c\":389.12,\"v\":49378,\"n\":461,\"vw\":389.062639,\"t\":\"2021-02-22T19:15:00Z\"}";
    static final String STATUS = "{\"T\":\"s\",\"S\":\"AAPL\",\"sc\":\"H\",\"sm\":\"Trading Halt\",\"rc\":\"T12\",\"rm\":\"Trading Halted; For information requested by NASDAQ\",\"t\":\"2021-02-22T19:15:00Z\",\"z\":\"C\"}";
    static final String LULD = "{\"T\":\"l\",\"S\":\"IONM\",\"u\":3.24,\"d\":2.65,\"i\":\"B\",\"t\":\"2023-04-06T13:34:45.565004401Z\",\"z\":\"C\"}";
    static final String CORRECTION = "{\"T\":\"c\",\"S\":\"EEM\",\"x\":\"M\",\"oi\":52983525033527,\"op\":39.1582,\"os\":440000,\"oc\":[\" \",\"7\"],\"ci\":52983525034326,\"cp\":39.1809,\"cs\":440000,\"cc\":[\" \",\"7\"],\"z\":\"B\",\"t\":\"2023-04-06T14:25:06.542305024Z\"}";
    static final String CANCEL = "{\"T\":\"x\",\"S\":\"GOOGL\",\"i\":465,\"x\":\"D\",\"p\":105.31,\"s\":300,\"a\":\"C\",\"z\":\"C\",\"t\":\"2023-04-06T13:15:42.83540958Z\"}";
    static final String IMBALANCE = "{\"T\":\"i\",\"S\":\"INAQU\",\"p\":9.12,\"z\":\"C\",\"t\":\"2024-12-13T19:58:09.242138635Z\"}";

    static final AlpacaTrade TRADE_MSG = new AlpacaTrade("AAPL", 628, "K", dec("162.92"), 3, List.of("@", "F", "T", "I"),
            ts("2023-04-06T11:54:26.838232225Z"), "C");
    static final AlpacaQuote QUOTE_MSG = new AlpacaQuote("AMD", "U", dec("87.66"), 1, "Q", dec("87.68"), 4, List.of("R"),
            ts("2021-02-22T15:51:45.335689322Z"), "C");
    static final AlpacaBar BAR_MSG = new AlpacaBar(AlpacaBar.Kind.MINUTE, "SPY", dec("388.985"), dec("389.13"), dec("388.975"),
            dec("389.12"), 49378, 461L, dec("389.062639"), ts("2021-02-22T19:15:00Z"));
    static final AlpacaStatus STATUS_MSG = new AlpacaStatus("AAPL", "H", "Trading Halt", "T12",
            "Trading Halted; For information requested by NASDAQ", ts("2021-02-22T19:15:00Z"), "C");
    static final AlpacaLuld LULD_MSG = new AlpacaLuld("IONM", dec("3.24"), dec("2.65"), "B", ts("2023-04-06T13:34:45.565004401Z"), "C");
    static final AlpacaCorrection CORRECTION_MSG = new AlpacaCorrection("EEM", "M",
            52983525033527L, dec("39.1582"), 440000, List.of(" ", "7"),
            52983525034326L, dec("39.1809"), 440000, List.of(" ", "7"),
            ts("2023-04-06T14:25:06.542305024Z"), "B");
    static final AlpacaCancel CANCEL_MSG = new AlpacaCancel("GOOGL", 465, "D", dec("105.31"), 300, "C",
            ts("2023-04-06T13:15:42.83540958Z"), "C");
    static final AlpacaImbalance IMBALANCE_MSG = new AlpacaImbalance("INAQU", dec("9.12"), ts("2024-12-13T19:58:09.242138635Z"), "C");

    static final AlpacaSubscription SUBSCRIPTION_MSG = subscriptionMsg();

    private static AlpacaSubscription subscriptionMsg() {
        var m = new java.util.LinkedHashMap<String, List<String>>();
        m.put("trades", List.of("AAPL"));
        m.put("quotes", List.of("AMD", "CLDR"));
        m.put("bars", List.of("*"));
        m.put("updatedBars", List.of());
        m.put("dailyBars", List.of("VOO"));
        m.put("statuses", List.of("*"));
        m.put("lulds", List.of());
        m.put("corrections", List.of("AAPL"));
        m.put("cancelErrors", List.of("AAPL"));
        return new AlpacaSubscription(m);
    }

    /** The single-message data examples, JSON object text and message, in the reference's order. */
    static final List<Map.Entry<String, AlpacaMessage>> DATA = List.of(
            Map.entry(TRADE, TRADE_MSG), Map.entry(QUOTE, QUOTE_MSG), Map.entry(BAR, BAR_MSG),
            Map.entry(STATUS, STATUS_MSG), Map.entry(LULD, LULD_MSG), Map.entry(CORRECTION, CORRECTION_MSG),
            Map.entry(CANCEL, CANCEL_MSG), Map.entry(IMBALANCE, IMBALANCE_MSG));

    /** Every example frame (control frames alone, each data example as a frame of one) with its messages. */
    static final List<Map.Entry<String, List<AlpacaMessage>>> FRAMES = List.of(
            Map.entry(CONNECTED, List.of(AlpacaSuccess.CONNECTED)),
            Map.entry(AUTHENTICATED, List.of(AlpacaSuccess.AUTHENTICATED)),
            Map.entry(AUTH_FAILED, List.of(AlpacaError.AUTH_FAILED)),
            Map.entry(NOT_AUTHENTICATED, List.of(AlpacaError.NOT_AUTHENTICATED)),
            Map.entry(CONNECTION_LIMIT, List.of(AlpacaError.CONNECTION_LIMIT)),
            Map.entry(SUBSCRIPTION, List.of(SUBSCRIPTION_MSG)),
            Map.entry("[" + TRADE + "]", List.of(TRADE_MSG)),
            Map.entry("[" + QUOTE + "]", List.of(QUOTE_MSG)),
            Map.entry("[" + BAR + "]", List.of(BAR_MSG)),
            Map.entry("[" + STATUS + "]", List.of(STATUS_MSG)),
            Map.entry("[" + LULD + "]", List.of(LULD_MSG)),
            Map.entry("[" + CORRECTION + "]", List.of(CORRECTION_MSG)),
            Map.entry("[" + CANCEL + "]", List.of(CANCEL_MSG)),
            Map.entry("[" + IMBALANCE + "]", List.of(IMBALANCE_MSG)));

    static BigDecimal dec(String text) {
        return new BigDecimal(text);
    }

    static Instant ts(String text) {
        return Instant.parse(text);
    }
}

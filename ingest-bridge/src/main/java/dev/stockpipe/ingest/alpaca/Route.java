package dev.stockpipe.ingest.alpaca;

/** Where one message of a frame goes. */
public enum Route {
    /** T = t, c, x: stocks.trades.raw. Also messages whose T is missing or unknown, so streams-app rejects them. */
    TRADES,
    /** T = b, u, d: stocks.bars.raw. */
    BARS,
    /** success, error, subscription: handled by the client's session state machine. */
    CONTROL,
    /** Known data types that have no raw topic (q, s, l, i): counted only. */
    OTHER;

    /** The route of a {@code T} value (null when the message has no string T). */
    public static Route of(String type) {
        if (type == null) {
            return TRADES;
        }
        return switch (type) {
            case "t", "c", "x" -> TRADES;
            case "b", "u", "d" -> BARS;
            case "success", "error", "subscription" -> CONTROL;
            case "q", "s", "l", "i" -> OTHER;
            default -> TRADES;
        };
    }

    /** True for the T values the protocol defines (anything else is counted as unknown). */
    public static boolean isKnownType(String type) {
        if (type == null) {
            return false;
        }
        return switch (type) {
            case "t", "c", "x", "b", "u", "d", "success", "error", "subscription", "q", "s", "l", "i" -> true;
            default -> false;
        };
    }
}

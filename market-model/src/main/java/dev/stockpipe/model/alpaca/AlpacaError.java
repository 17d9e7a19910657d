package dev.stockpipe.model.alpaca;

import java.util.Objects;

/** {@code T:"error"} with the reference's codes and texts (§6). */
public record AlpacaError(int code, String msg) implements AlpacaMessage {
    public static final String T = "error";

    public static final AlpacaError INVALID_SYNTAX = new AlpacaError(400, "invalid syntax");
    public static final AlpacaError NOT_AUTHENTICATED = new AlpacaError(401, "not authenticated");
    public static final AlpacaError AUTH_FAILED = new AlpacaError(402, "auth failed");
    public static final AlpacaError ALREADY_AUTHENTICATED = new AlpacaError(403, "already authenticated");
    public static final AlpacaError AUTH_TIMEOUT = new AlpacaError(404, "auth timeout");
    public static final AlpacaError SYMBOL_LIMIT = new AlpacaError(405, "symbol limit exceeded");
    public static final AlpacaError CONNECTION_LIMIT = new AlpacaError(406, "connection limit exceeded");
    public static final AlpacaError SLOW_CLIENT = new AlpacaError(407, "slow client");
    public static final AlpacaError INSUFFICIENT_SUBSCRIPTION = new AlpacaError(409, "insufficient subscription");
    public static final AlpacaError INVALID_FOR_FEED = new AlpacaError(410, "invalid subscribe action for this feed");
    public static final AlpacaError INSUFFICIENT_SCOPE = new AlpacaError(411, "insufficient scope");
    public static final AlpacaError INTERNAL = new AlpacaError(500, "internal error");

    public AlpacaError {
        Objects.requireNonNull(msg, "msg");
    }

    @Override
    public String type() {
        return T;
    }
}

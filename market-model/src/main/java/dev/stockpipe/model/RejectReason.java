package dev.stockpipe.model;

/** Why a message is rejected; {@link #code()} is the {@code reason} written to {@code stocks.rejects}. */
public enum RejectReason {
    /** Bytes that are not UTF-8 JSON at all, or truncated JSON. */
    MALFORMED_JSON("malformed_json"),
    /** A frame that is not an array of objects, or a message that is not an object. */
    WRONG_SHAPE("wrong_shape"),
    MISSING_FIELD("missing_field"),
    WRONG_TYPE("wrong_type"),
    UNKNOWN_TYPE("unknown_type"),
    /** A known Alpaca type that does not belong on this topic (a quote on stocks.trades.raw). */
    UNEXPECTED_TYPE("unexpected_type"),
    INVALID_SYMBOL("invalid_symbol"),
    INVALID_PRICE("invalid_price"),
    INVALID_SIZE("invalid_size"),
    INVALID_TIMESTAMP("invalid_timestamp"),
    /** OHLC inconsistent: low above high, or open/close outside [low, high]. Negative volume/count is INVALID_FIELD. */
    INVALID_BAR("invalid_bar"),
    INVALID_FIELD("invalid_field"),
    OVERSIZE("oversize"),
    /** The record key is null or differs from the message's symbol. */
    KEY_MISMATCH("key_mismatch"),
    NULL_VALUE("null_value"),
    ORPHAN_CORRECTION("orphan_correction"),
    ORPHAN_CANCEL("orphan_cancel");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}

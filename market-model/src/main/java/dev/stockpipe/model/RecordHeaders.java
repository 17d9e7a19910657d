package dev.stockpipe.model;

/** Kafka record header names on the raw topics (DESIGN.md). Values are UTF-8 strings. */
public final class RecordHeaders {
    private RecordHeaders() {}

    /** Epoch nanoseconds when the bridge received the frame that carried the message. */
    public static final String RECEIVED_AT = "received-at";
    /** Alpaca feed: iex, sip, test... */
    public static final String FEED = "feed";
    /** Identifies one stream connection of the bridge (changes on every reconnect). */
    public static final String SESSION = "session";
    /** {@code stream} (default when absent) or {@code backfill} for records fetched from the REST API. */
    public static final String SOURCE = "source";
    public static final String SOURCE_STREAM = "stream";
    public static final String SOURCE_BACKFILL = "backfill";
}

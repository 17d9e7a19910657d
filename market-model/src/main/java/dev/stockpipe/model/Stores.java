package dev.stockpipe.model;

/** Kafka Streams state store names; interactive queries address stores by these. */
public final class Stores {
    private Stores() {}

    /** Trade identity -> current clean trade (dedupe and corrections), with bounded retention. */
    public static final String TRADES_BY_ID = "trades-by-id";
    /** Trade identity of an unseen original -> the correction or cancel waiting for it. */
    public static final String PENDING_UPDATES = "pending-updates";
    /** Symbol -> latest clean trade. */
    public static final String LATEST_TRADE = "latest-trade";
    /** Symbol -> latest clean bar. */
    public static final String LATEST_BAR = "latest-bar";
    /** (symbol, timeframe, bar_ts) -> clean bar, time-keyed with retention, for range queries. */
    public static final String BARS = "bars";
}

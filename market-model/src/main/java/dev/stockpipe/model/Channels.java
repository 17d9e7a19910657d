package dev.stockpipe.model;

/** Redis names of flow A. The channel can be renamed with REDIS_CHANNEL_TRADES; these are the defaults. */
public final class Channels {
    private Channels() {}

    /** Pub/Sub channel of live trades and bars (the original design's name). */
    public static final String TRADES = "stock:trades:pubsub";
    /** Hash symbol -> live JSON of the latest trade, for snapshots on subscribe. */
    public static final String LATEST_TRADES = "stock:trades:latest";
    /** Hash symbol -> live JSON of the latest bar. */
    public static final String LATEST_BARS = "stock:bars:latest";

    /** The hash of latest trades that goes with a channel name (keeps renamed channels apart). */
    public static String latestTradesHashFor(String channel) {
        return TRADES.equals(channel) ? LATEST_TRADES : channel + ":latest-trades";
    }

    /** The hash of latest bars that goes with a channel name. */
    public static String latestBarsHashFor(String channel) {
        return TRADES.equals(channel) ? LATEST_BARS : channel + ":latest-bars";
    }
}

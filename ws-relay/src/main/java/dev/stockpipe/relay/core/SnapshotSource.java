package dev.stockpipe.relay.core;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** Where the last known trade of a symbol comes from (the Redis latest-trades hash). Asynchronous. */
public interface SnapshotSource {

    /** The stored live JSON of each symbol, in order; an element is null when the symbol has none. */
    CompletionStage<List<byte[]>> latestTrades(List<String> symbols);

    /** Every stored latest trade, symbol → live JSON. */
    CompletionStage<Map<String, byte[]>> allLatestTrades();
}

package dev.stockpipe.ingest.publish;

/** One flow-A event: the {@code LiveEvents} JSON of a trade or bar, published as is. */
public record LiveEvent(String symbol, boolean trade, byte[] json) {}

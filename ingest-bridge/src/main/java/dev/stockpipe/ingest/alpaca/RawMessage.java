package dev.stockpipe.ingest.alpaca;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One object of a stream frame, not judged: {@code json} is its bytes exactly as received (JSON frames) or the
 * object re-encoded as JSON (MessagePack frames); {@code type} and {@code symbol} are its T and S when they are
 * strings, else null.
 */
public record RawMessage(Route route, String type, String symbol, byte[] json, JsonNode node) {}

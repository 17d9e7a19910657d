package dev.stockpipe.relay.core;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.live.LiveEvents;
import java.io.IOException;

/**
 * Reads just enough of a live event ({@link LiveEvents}) to route it: {@code type}, {@code symbol}, the bar
 * {@code timeframe} and {@code received_at}, in one streaming pass that also proves the JSON well formed. The
 * bytes themselves are forwarded unchanged, so an event is serialized once (by the bridge), never per client.
 */
public final class LiveEventParser {
    private LiveEventParser() {}

    /** A Redis message that is not a live event. */
    public static final class BadEventException extends Exception {
        public BadEventException(String message) {
            super(message);
        }
    }

    public static Outbound parse(byte[] json, long relayReceivedNanos) throws BadEventException {
        String type = null;
        String symbol = null;
        String timeframe = null;
        long receivedAt = 0L;
        try (JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadEventException("not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "type" -> type = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "symbol" -> symbol = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "timeframe" -> timeframe = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "received_at" -> receivedAt = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : 0L;
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new BadEventException("trailing content after the JSON object");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadEventException("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadEventException("malformed JSON: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new BadEventException("malformed JSON: " + e.getMessage());
        }
        if (type == null || type.isEmpty()) {
            throw new BadEventException("missing string field type");
        }
        if (symbol == null || !Symbols.isValid(symbol)) {
            throw new BadEventException("missing or invalid symbol");
        }
        boolean trade = LiveEvents.TYPE_TRADE.equals(type);
        // Minute and daily bars of one symbol must not replace each other while a client conflates.
        String key = LiveEvents.TYPE_BAR.equals(type) && timeframe != null
                ? type + ":" + symbol + ":" + timeframe
                : type + ":" + symbol;
        return new Outbound(key, symbol, trade, json, relayReceivedNanos, receivedAt, type);
    }
}

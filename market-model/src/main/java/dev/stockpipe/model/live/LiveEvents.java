package dev.stockpipe.model.live;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.MarketTime;
import dev.stockpipe.model.alpaca.AlpacaBar;
import dev.stockpipe.model.alpaca.AlpacaTrade;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

/**
 * The live (flow A) event JSON: what ingest-bridge PUBLISHes on {@code stock:trades:pubsub} and stores in
 * the latest-trade hash, and — byte for byte — what ws-relay sends to WebSocket clients, so the relay
 * never re-serializes per client. Shape (DESIGN.md WebSocket protocol, plus {@code received_at}):
 * <pre>
 * {"type":"trade","symbol":"AAPL","price":150.25,"size":100,"timestamp":"2023-04-06T11:54:26.838232225Z",
 *  "exchange":"V","trade_id":628,"conditions":["@"],"tape":"C","received_at":1680782066838232225}
 * {"type":"bar","symbol":"AAPL","timeframe":"1Min","kind":"b","timestamp":"2021-02-22T19:15:00Z","open":388.985,
 *  "high":389.13,"low":388.975,"close":389.12,"volume":49378,"trade_count":461,"vwap":389.062639,"received_at":...}
 * </pre>
 * {@code type}, then {@code symbol}, always come first so a reader can route on a prefix. {@code kind} is the
 * Alpaca bar type: b (minute), u (updated minute, replaces the earlier one), d (daily, cumulative).
 * {@code received_at} is epoch nanoseconds when the bridge received the frame (latency measurement).
 */
public final class LiveEvents {
    private LiveEvents() {}

    public static final String TYPE_TRADE = "trade";
    public static final String TYPE_BAR = "bar";

    public static byte[] trade(AlpacaTrade t, long receivedAtNanos) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(224);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", TYPE_TRADE);
            g.writeStringField("symbol", t.symbol());
            decimal(g, "price", t.price());
            g.writeNumberField("size", t.size());
            g.writeStringField("timestamp", MarketTime.formatInstant(t.timestamp()));
            g.writeStringField("exchange", t.exchange());
            g.writeNumberField("trade_id", t.id());
            g.writeArrayFieldStart("conditions");
            for (String c : t.conditions()) {
                g.writeString(c);
            }
            g.writeEndArray();
            if (t.tape() != null) {
                g.writeStringField("tape", t.tape());
            }
            g.writeNumberField("received_at", receivedAtNanos);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] bar(AlpacaBar b, long receivedAtNanos) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", TYPE_BAR);
            g.writeStringField("symbol", b.symbol());
            g.writeStringField("timeframe", b.kind() == AlpacaBar.Kind.DAILY ? "1Day" : "1Min");
            g.writeStringField("kind", b.kind().t());
            g.writeStringField("timestamp", MarketTime.formatInstant(b.timestamp()));
            decimal(g, "open", b.open());
            decimal(g, "high", b.high());
            decimal(g, "low", b.low());
            decimal(g, "close", b.close());
            g.writeNumberField("volume", b.volume());
            if (b.tradeCount() != null) {
                g.writeNumberField("trade_count", b.tradeCount());
            }
            if (b.vwap() != null) {
                decimal(g, "vwap", b.vwap());
            }
            g.writeNumberField("received_at", receivedAtNanos);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void decimal(JsonGenerator g, String name, BigDecimal value) throws IOException {
        g.writeFieldName(name);
        g.writeNumber(value.toPlainString());
    }
}

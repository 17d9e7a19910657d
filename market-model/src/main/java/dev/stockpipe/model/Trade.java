package dev.stockpipe.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * A clean trade on {@code stocks.trades} and a row of {@code market_data_oltp.stock_trades_realtime}.
 * Every emission is the full current state of the trade, so an upsert downstream is always complete.
 *
 * @param receivedAt when ingest-bridge received the frame that carried it (null if unknown)
 * @param updatedAt  when streams-app last changed this trade (its status)
 */
@JsonPropertyOrder({"symbol", "trade_id", "exchange", "trade_date", "price", "size", "conditions", "tape",
        "trade_ts", "received_at", "status", "updated_at"})
public record Trade(
        @JsonProperty("symbol") String symbol,
        @JsonProperty("trade_id") long tradeId,
        @JsonProperty("exchange") String exchange,
        @JsonProperty("trade_date") LocalDate tradeDate,
        @JsonProperty("price") BigDecimal price,
        @JsonProperty("size") long size,
        @JsonProperty("conditions") List<String> conditions,
        @JsonProperty("tape") String tape,
        @JsonProperty("trade_ts") Instant tradeTs,
        @JsonProperty("received_at") Instant receivedAt,
        @JsonProperty("status") TradeStatus status,
        @JsonProperty("updated_at") Instant updatedAt) {

    public Trade {
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(tradeDate, "trade_date");
        Objects.requireNonNull(price, "price");
        Objects.requireNonNull(tradeTs, "trade_ts");
        Objects.requireNonNull(status, "status");
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }

    public TradeId id() {
        return new TradeId(symbol, tradeDate, exchange, tradeId);
    }

    public Trade withStatus(TradeStatus newStatus, Instant at) {
        return new Trade(symbol, tradeId, exchange, tradeDate, price, size, conditions, tape, tradeTs, receivedAt, newStatus, at);
    }
}

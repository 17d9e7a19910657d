package dev.stockpipe.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * A clean bar on {@code stocks.bars} and a row of {@code market_data_oltp.stock_bars_staging};
 * primary key (symbol, timeframe, bar_ts). {@code bar_ts} is the start of the interval.
 * {@code trade_count} and {@code vwap} are optional in Alpaca's messages and may be null.
 */
@JsonPropertyOrder({"symbol", "timeframe", "bar_ts", "open", "high", "low", "close", "volume", "trade_count", "vwap", "source"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Bar(
        @JsonProperty("symbol") String symbol,
        @JsonProperty("timeframe") Timeframe timeframe,
        @JsonProperty("bar_ts") Instant barTs,
        @JsonProperty("open") BigDecimal open,
        @JsonProperty("high") BigDecimal high,
        @JsonProperty("low") BigDecimal low,
        @JsonProperty("close") BigDecimal close,
        @JsonProperty("volume") long volume,
        @JsonProperty("trade_count") Long tradeCount,
        @JsonProperty("vwap") BigDecimal vwap,
        @JsonProperty("source") BarSource source) {

    public Bar {
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(timeframe, "timeframe");
        Objects.requireNonNull(barTs, "bar_ts");
        Objects.requireNonNull(open, "open");
        Objects.requireNonNull(high, "high");
        Objects.requireNonNull(low, "low");
        Objects.requireNonNull(close, "close");
        Objects.requireNonNull(source, "source");
    }

    /** The store and upsert key: {@code AAPL|1Min|2021-02-22T19:15:00Z}. */
    public String key() {
        return symbol + '|' + timeframe.label() + '|' + barTs;
    }
}

package dev.stockpipe.bars;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;

/**
 * One bar as the API returns it (the original FastAPI shape). Decimals are the stored {@code numeric}
 * values, written as plain JSON numbers (never through double, never with an exponent).
 */
@Schema(name = "Bar", description = "An OHLCV bar; roll-ups are built from minute bars in SQL")
@JsonPropertyOrder({"symbol", "timeframe", "timestamp", "open", "high", "low", "close", "volume", "trade_count", "vwap"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record BarView(
        @JsonProperty("symbol") @Schema(example = "AAPL") String symbol,
        @JsonProperty("timeframe") @Schema(example = "5Min", allowableValues = {"1Min", "5Min", "15Min", "1Hour", "1Day"}) String timeframe,
        @JsonProperty("timestamp") @Schema(description = "bucket start, RFC 3339 UTC", example = "2026-03-09T13:30:00Z") String timestamp,
        @JsonProperty("open") @Schema(example = "172.35") BigDecimal open,
        @JsonProperty("high") BigDecimal high,
        @JsonProperty("low") BigDecimal low,
        @JsonProperty("close") BigDecimal close,
        @JsonProperty("volume") long volume,
        @JsonProperty("trade_count") @Schema(nullable = true) Long tradeCount,
        @JsonProperty("vwap") @Schema(nullable = true, description = "volume-weighted average price") BigDecimal vwap) {
}

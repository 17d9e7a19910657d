package dev.stockpipe.model.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.alpaca.AlpacaBar;
import dev.stockpipe.model.alpaca.AlpacaTrade;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveEventsTest {
    @Test
    void shouldWriteTradeEventWithTypeAndSymbolFirstAndExactPrice() {
        AlpacaTrade t = new AlpacaTrade("AAPL", 628, "V", new BigDecimal("150.250"), 100, List.of("@"),
                Instant.parse("2023-04-06T11:54:26.838232225Z"), "C");
        assertThat(new String(LiveEvents.trade(t, 1680782066838232225L), StandardCharsets.UTF_8)).isEqualTo(
                "{\"type\":\"trade\",\"symbol\":\"AAPL\",\"price\":150.250,\"size\":100,\"timestamp\":\"2023-04-06T11:54:26.838232225Z\","
                        + "\"exchange\":\"V\",\"trade_id\":628,\"conditions\":[\"@\"],\"tape\":\"C\",\"received_at\":1680782066838232225}");
    }

    @Test
    void shouldWriteDailyBarEventWithTimeframeAndOptionalFieldsLeftOut() throws Exception {
        AlpacaBar b = new AlpacaBar(AlpacaBar.Kind.DAILY, "SPY", new BigDecimal("430.1"), new BigDecimal("432"),
                new BigDecimal("428.5"), new BigDecimal("431.25"), 1200000, null, null, Instant.parse("2023-09-29T04:00:00Z"));
        JsonNode n = Json.MAPPER.readTree(LiveEvents.bar(b, 5));
        assertThat(n.fieldNames().next()).isEqualTo("type");
        assertThat(n.get("type").textValue()).isEqualTo("bar");
        assertThat(n.get("timeframe").textValue()).isEqualTo("1Day");
        assertThat(n.get("kind").textValue()).isEqualTo("d");
        assertThat(n.get("timestamp").textValue()).isEqualTo("2023-09-29T04:00:00Z");
        assertThat(n.has("trade_count")).isFalse();
        assertThat(n.has("vwap")).isFalse();
        assertThat(n.get("received_at").asLong()).isEqualTo(5L);
    }
}

package dev.stockpipe.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.model.Json;
import dev.stockpipe.model.alpaca.AlpacaBar;
import java.math.BigDecimal;
import java.time.Instant;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class ReplayTest {
    @Test
    void shouldMapSymbolsToTheSamePartitionAsTheProducer() {
        for (String s : new String[] {"AAPL", "MSFT", "GOOGL", "SPY", "FAKEPACA"}) {
            assertThat(Replay.partitionOf(s, 6)).isEqualTo(BuiltInPartitioner.partitionForKey(s.getBytes(), 6));
        }
    }

    @Test
    void shouldParseDatesAsNewYorkMidnightAndRfc3339AsGiven() {
        assertThat(TimeArg.parse("--from", "2024-03-01")).isEqualTo(Instant.parse("2024-03-01T05:00:00Z"));
        assertThat(TimeArg.parse("--from", "2024-03-01T09:30:00-05:00")).isEqualTo(Instant.parse("2024-03-01T14:30:00Z"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TimeArg.parse("--from", "yesterday"))
                .hasMessageContaining("--from=yesterday");
    }

    @Test
    void shouldKeepRestBarPricesExact() throws Exception {
        JsonNode b = Json.MAPPER.readTree("{\"c\":178.21,\"h\":178.26,\"l\":178.21,\"n\":65,\"o\":178.26,"
                + "\"t\":\"2022-01-03T09:00:00Z\",\"v\":1118,\"vw\":178.235733}");
        AlpacaBar bar = BarsBackfill.toBar(AlpacaBar.Kind.MINUTE, "AAPL", b);
        assertThat(bar.vwap()).isEqualTo(new BigDecimal("178.235733"));
        assertThat(bar.tradeCount()).isEqualTo(65L);
        assertThat(bar.timestamp()).isEqualTo(Instant.parse("2022-01-03T09:00:00Z"));
    }

    @Test
    void shouldCapBackoff() {
        for (int attempt = 1; attempt < 20; attempt++) {
            assertThat(BarsBackfill.backoff(attempt)).isLessThanOrEqualTo(BarsBackfill.MAX_BACKOFF).isPositive();
        }
    }
}

package dev.stockpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stockpipe.ingest.alpaca.Encoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestConfigTest {

    @Test
    void shouldDefaultToTheLocalSimulatorWithItsKeyPairAndJson() {
        IngestConfig c = IngestConfig.defaults();

        assertThat(c.streamUrl().toString()).isEqualTo("ws://127.0.0.1:8765/v2/iex");
        assertThat(c.restUrl().toString()).isEqualTo("http://127.0.0.1:8765");
        assertThat(c.apiKey()).isEqualTo("test");
        assertThat(c.apiSecret()).isEqualTo("test");
        assertThat(c.simulatorCredentials()).isTrue();
        assertThat(c.encoding()).isEqualTo(Encoding.JSON);
        assertThat(c.symbols()).containsExactly("AAPL", "MSFT", "GOOGL");
        assertThat(c.kafkaBootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(c.tradesRawTopic()).isEqualTo("stocks.trades.raw");
        assertThat(c.barsRawTopic()).isEqualTo("stocks.bars.raw");
        assertThat(c.redisChannel()).isEqualTo("stock:trades:pubsub");
        assertThat(c.redisPort()).isEqualTo(6379);
        assertThat(c.httpPort()).isEqualTo(8085);
        assertThat(c.bindHost()).isEqualTo("127.0.0.1");
        assertThat(c.pingInterval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void shouldUseMsgpackAgainstTheRealServiceUnlessTold() {
        IngestConfig real = IngestConfig.fromEnv(Map.of("ALPACA_DATA_WS_URL", "wss://stream.data.alpaca.markets/v2/iex",
                "ALPACA_API_KEY", "AK", "ALPACA_API_SECRET", "SK"));
        assertThat(real.encoding()).isEqualTo(Encoding.MSGPACK);
        assertThat(real.simulatorCredentials()).isFalse();
        assertThat(real.apiKey()).isEqualTo("AK");

        IngestConfig forced = IngestConfig.fromEnv(Map.of("ALPACA_STREAM_ENCODING", "msgpack"));
        assertThat(forced.encoding()).isEqualTo(Encoding.MSGPACK);
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        Map<String, String> env = Map.of(
                "ALPACA_API_KEY", "AK",
                "ALPACA_DATA_WS_URL", "http://x",
                "REDIS_PORT", "70000",
                "INGEST_PING_INTERVAL", "soon",
                "SUBSCRIBED_SYMBOLS", "AAPL,bad sym",
                "ALPACA_STREAM_ENCODING", "xml");

        assertThatThrownBy(() -> IngestConfig.fromEnv(env))
                .isInstanceOf(IngestConfig.ConfigException.class)
                .satisfies(e -> assertThat(((IngestConfig.ConfigException) e).problems()).hasSize(6))
                .hasMessageContaining("ALPACA_API_SECRET is unset")
                .hasMessageContaining("ALPACA_DATA_WS_URL=http://x")
                .hasMessageContaining("REDIS_PORT=70000")
                .hasMessageContaining("INGEST_PING_INTERVAL=soon")
                .hasMessageContaining("'BAD SYM'")
                .hasMessageContaining("ALPACA_STREAM_ENCODING=xml");
    }

    @Test
    void shouldParseDurationsWithUnits() {
        IngestConfig c = IngestConfig.fromEnv(Map.of("INGEST_PING_INTERVAL", "250ms", "INGEST_SILENCE_TIMEOUT", "2m",
                "INGEST_PONG_TIMEOUT", "3s", "INGEST_LIMIT_WAIT", "1500"));
        assertThat(c.pingInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.silenceTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.pongTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.limitWait()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void shouldNormaliseAndDeduplicateSymbols() {
        IngestConfig c = IngestConfig.fromEnv(Map.of("SUBSCRIBED_SYMBOLS", " aapl, MSFT ,,AAPL,brk.b"));
        assertThat(c.symbols()).containsExactly("AAPL", "MSFT", "BRK.B");
    }

    @Test
    void shouldNeverPrintTheSecret() {
        IngestConfig c = IngestConfig.fromEnv(Map.of("ALPACA_API_KEY", "AKID", "ALPACA_API_SECRET", "s3cr3t-value"));
        assertThat(c.toString()).doesNotContain("s3cr3t-value").doesNotContain("AKID");
    }

    @Test
    void shouldDocumentEveryVariableInTheReadme() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        List<String> missing = IngestConfig.VARIABLES.stream().map(IngestConfig.Var::name)
                .filter(n -> !readme.contains("`" + n + "`")).toList();
        assertThat(missing).isEmpty();
    }
}

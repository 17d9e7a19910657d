package dev.stockpipe.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RelayConfigTest {

    @Test
    void shouldUseTheDesignDefaults() {
        RelayConfig c = RelayConfig.defaults();
        assertThat(c.bindHost()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(5000);
        assertThat(c.redisHost()).isEqualTo("127.0.0.1");
        assertThat(c.redisPort()).isEqualTo(6379);
        assertThat(c.redisChannel()).isEqualTo("stock:trades:pubsub");
        assertThat(c.latestTradesHash()).isEqualTo("stock:trades:latest");
        assertThat(c.barsApiUrl().toString()).isEqualTo("http://127.0.0.1:8000");
        assertThat(c.maxConflation()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.originAllowed("http://anything.example")).isTrue();
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        assertThatThrownBy(() -> RelayConfig.fromEnv(Map.of(
                RelayConfig.RELAY_PORT, "http",
                RelayConfig.REDIS_PORT, "70000",
                RelayConfig.BARS_API_URL, "ftp://x",
                RelayConfig.RELAY_MAX_MESSAGE_BYTES, String.valueOf(RelayConfig.HARD_MAX_FRAME_BYTES + 1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RELAY_PORT=http is not an integer")
                .hasMessageContaining("REDIS_PORT=70000 is outside")
                .hasMessageContaining("BARS_API_URL=ftp://x")
                .hasMessageContaining("RELAY_MAX_MESSAGE_BYTES=");
    }

    @Test
    void shouldAllowOnlyListedOriginsWhenConfigured() {
        RelayConfig c = RelayConfig.fromEnv(Map.of(RelayConfig.RELAY_ALLOWED_ORIGINS,
                "http://127.0.0.1:5000, http://localhost:5000"));
        assertThat(c.originAllowed("http://localhost:5000")).isTrue();
        assertThat(c.originAllowed("http://evil.example")).isFalse();
        assertThat(c.originAllowed(null)).isTrue(); // non-browser clients send none
    }

    @Test
    void shouldDocumentEveryVariableInTheReadme() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (String name : RelayConfig.DOCS.keySet()) {
            assertThat(readme).as("README documents %s", name).contains("`" + name + "`");
        }
    }
}

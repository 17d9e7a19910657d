package dev.stockpipe.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimConfigTest {
    @Test
    void shouldUseTheDocumentedDefaults() {
        SimConfig c = SimConfig.fromEnv(Map.of());
        assertThat(c.bindHost()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8765);
        assertThat(c.key()).isEqualTo("test");
        assertThat(c.secret()).isEqualTo("test");
        assertThat(c.plan()).isEqualTo(Plan.BASIC);
        assertThat(c.symbols()).contains("AAPL", "MSFT", "GOOGL");
        assertThat(c.authTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void shouldReportEveryProblemAtOnceWithoutShowingTheSecret() {
        assertThatThrownBy(() -> SimConfig.fromEnv(Map.of(SimConfig.PORT, "99999", SimConfig.SPEED, "-1",
                SimConfig.SYMBOLS, "aapl", SimConfig.PLAN, "gold")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ALPACA_SIM_PORT=99999").hasMessageContaining("ALPACA_SIM_SPEED=-1")
                .hasMessageContaining("ALPACA_SIM_SYMBOLS=aapl").hasMessageContaining("ALPACA_SIM_PLAN=gold");
        assertThat(SimConfig.fromEnv(Map.of(SimConfig.SECRET, "hunter2")).toString()).doesNotContain("hunter2");
    }

    @Test
    void shouldDocumentEveryVariableInTheReadme() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (String v : SimConfig.VARIABLES) {
            assertThat(readme).as(v).contains(v);
        }
    }

    @Test
    void shouldParseTimeframesAndRejectOutOfRangePeriods() {
        assertThat(BarTimeframe.parse("5Min")).isEqualTo(new BarTimeframe(5, BarTimeframe.Unit.MINUTE));
        assertThat(BarTimeframe.parse("1D")).isEqualTo(new BarTimeframe(1, BarTimeframe.Unit.DAY));
        for (String bad : List.of("60Min", "24Hour", "2Day", "5Month", "0Min", "1Minute", "")) {
            assertThatThrownBy(() -> BarTimeframe.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> BarTimeframe.parse("61Min")).hasMessage("timeframe period number is larger than the allowed maximum of 59");
    }
}

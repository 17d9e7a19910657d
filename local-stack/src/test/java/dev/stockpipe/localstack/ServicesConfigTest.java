package dev.stockpipe.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServicesConfigTest {

    @Test
    void shouldRunEveryServiceWithDocumentedHeapsAndDesignPortsByDefault() {
        ServicesConfig c = ServicesConfig.fromEnv(Map.of());
        for (ServiceDef d : ServiceDef.ALL) {
            assertThat(c.runs(d.name())).as(d.name()).isTrue();
            assertThat(c.heaps()).containsEntry(d.name(), d.defaultHeap());
        }
        assertThat(c.ports()).containsEntry("ws-relay", 5000).containsEntry("bars-query-service", 8000)
                .containsEntry("connect", 8083).containsEntry("streams-app", 8084).containsEntry("ingest-bridge", 8085)
                .containsEntry("alpaca-sim", 8765);
        assertThat(c.portsSet()).isEmpty();
        assertThat(c.alpacaWsUrl()).as("unset: the simulator's URL is chosen once its port is known").isNull();
    }

    @Test
    void shouldUseTheRealAlpacaStreamAndNoSimulatorWhenAnApiKeyIsSet() {
        ServicesConfig c = ServicesConfig.fromEnv(Map.of("ALPACA_API_KEY", "AK-secret-key"));
        assertThat(c.runs(ServiceDef.ALPACA_SIM)).isFalse();
        assertThat(c.runs(ServiceDef.INGEST_BRIDGE)).isTrue();
        assertThat(c.alpacaWsUrl()).isEqualTo("wss://stream.data.alpaca.markets/v2/iex");
        assertThat(c.toString()).doesNotContain("AK-secret-key");
    }

    @Test
    void shouldStartOnlyTheSelectedServices() {
        ServicesConfig none = ServicesConfig.fromEnv(Map.of("STOCKPIPE_SERVICES", "none"));
        assertThat(ServiceDef.ALL).noneMatch(d -> none.runs(d.name()));
        ServicesConfig two = ServicesConfig.fromEnv(Map.of("STOCKPIPE_SERVICES", "alpaca-sim, ws-relay"));
        assertThat(ServiceDef.ALL.stream().filter(d -> two.runs(d.name())).map(ServiceDef::name)).containsExactly("alpaca-sim", "ws-relay");
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        assertThatThrownBy(() -> ServicesConfig.fromEnv(Map.of("STOCKPIPE_SERVICES", "kafka-ui", "CONNECT_HEAP", "lots",
                "RELAY_PORT", "70000", "STOCKPIPE_RESTART_BASE_MS", "5000", "STOCKPIPE_RESTART_MAX_MS", "100")))
                .isInstanceOfSatisfying(LocalStackConfig.ConfigException.class, e -> assertThat(e.problems())
                        .hasSize(4)
                        .anyMatch(p -> p.contains("unknown service kafka-ui"))
                        .anyMatch(p -> p.startsWith("CONNECT_HEAP=lots"))
                        .anyMatch(p -> p.startsWith("RELAY_PORT=70000"))
                        .anyMatch(p -> p.startsWith("STOCKPIPE_RESTART_MAX_MS=100")));
    }

    @Test
    void shouldDocumentEveryVariableInTheReadme() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (String name : ServicesConfig.VARIABLES.keySet()) {
            assertThat(readme).as("README documents " + name).contains("`" + name + "`");
        }
    }
}

package dev.stockpipe.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkConfigRulesTest {
    final Map<String, String> trades = new LinkedHashMap<>(ConnectorConfigFile.load(Path.of(ConnectorConfigFile.TRADES_SINK_FILE)).config());

    @Test
    void shouldAcceptTheModuleFiles() {
        assertThat(SinkConfigRules.check(trades)).isEmpty();
        assertThat(SinkConfigRules.check(ConnectorConfigFile.load(Path.of(ConnectorConfigFile.BARS_SINK_FILE)).config())).isEmpty();
    }

    @Test
    void shouldNameEachBadFieldOfATypo() {
        trades.put("insert.mode", "upsrt");
        trades.put("batch.size", "many");
        trades.remove("connection.url");
        trades.put("primary.key.fields", "symbol,trade_day");
        assertThat(SinkConfigRules.check(trades)).extracting(ValidationResult.FieldError::field)
                .containsExactlyInAnyOrder("insert.mode", "batch.size", "connection.url", "primary.key.fields");
    }

    @Test
    void shouldRejectASchemaThatIsNotJson() {
        trades.put("value.converter.schema.content", "{\"type\":");
        assertThat(SinkConfigRules.check(trades)).extracting(ValidationResult.FieldError::field)
                .containsExactly("value.converter.schema.content");
    }

    @Test
    void shouldLeaveAProviderPlaceholderToTheWorkerButRejectAHalfPlaceholder() {
        trades.put("batch.size", "${env:BATCH_SIZE}");
        assertThat(SinkConfigRules.check(trades)).isEmpty();
        trades.put("batch.size", "${env:BATCH_SIZE");
        assertThat(SinkConfigRules.check(trades)).extracting(ValidationResult.FieldError::field).containsExactly("batch.size");
    }
}

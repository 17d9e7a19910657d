package dev.stockpipe.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackStateTest {

    private static final StackState STATE = new StackState(42, "2026-12-01T08:00:00Z", "/x/.stockpipe", List.of(
            new StackState.Part(StackState.KAFKA, "embedded", "127.0.0.1", 9092, "127.0.0.1:9092", null, null, 42),
            new StackState.Part(StackState.POSTGRES, "embedded", "127.0.0.1", 40001, "jdbc:postgresql://127.0.0.1:40001/stockpipe",
                    "stockpipe", "postgres", 43),
            new StackState.Part(StackState.REDIS, "external", "cache", 6379, "redis://cache:6379", null, null, -1)));

    @Test
    void shouldReadBackWhatItWrote(@TempDir Path dir) {
        Path file = dir.resolve("state.json");
        STATE.write(file);
        assertThat(StackState.read(file)).contains(STATE);
        assertThat(StackState.read(dir.resolve("missing.json"))).isEmpty();
    }

    @Test
    void shouldSayWhatToDoWhenTheStateFileIsCorrupt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state.json");
        Files.writeString(file, "{not json");
        assertThatThrownBy(() -> StackState.read(file)).isInstanceOf(LocalStackException.class).hasMessageContaining("delete it");
    }

    @Test
    void shouldExportTheEnvironmentServicesNeed() {
        assertThat(STATE.toEnvFile()).contains(
                "export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092\n",
                "export POSTGRES_HOST=127.0.0.1\n", "export POSTGRES_PORT=40001\n", "export POSTGRES_DB=stockpipe\n",
                "export REDIS_HOST=cache\n", "export REDIS_PORT=6379\n");
    }
}

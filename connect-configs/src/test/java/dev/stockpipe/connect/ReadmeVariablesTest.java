package dev.stockpipe.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every environment variable the worker and the CLI read is documented in this module's README. */
class ReadmeVariablesTest {

    /** The classes that read the environment (each names its variables as constants). */
    private static final List<Class<?>> READERS = List.of(
            ConnectWorkerConfig.class, PostgresConfig.class, ConnectorsCli.class, ConnectorConfigFile.class,
            BackfillCommand.class);

    static List<String> variableNames() throws IllegalAccessException {
        List<String> names = new ArrayList<>();
        for (Class<?> c : READERS) {
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
                    f.setAccessible(true);
                    String value = (String) f.get(null);
                    // Variable names are upper snake case with an underscore; other string constants are not.
                    if (value != null && value.matches("[A-Z][A-Z0-9]*(_[A-Z0-9]+)+")) {
                        names.add(value);
                    }
                }
            }
        }
        return names;
    }

    @Test
    void shouldDocumentEveryEnvironmentVariableInTheReadme() throws Exception {
        List<String> names = variableNames();
        assertThat(names).as("variables found by reflection").contains("POSTGRES_PASSWORD", "BATCH_SIZE", "CONNECT_URL");
        String readme = Files.readString(Path.of("README.md"));
        for (String name : names) {
            assertThat(readme).as("README documents %s", name).contains("`" + name + "`");
        }
    }
}

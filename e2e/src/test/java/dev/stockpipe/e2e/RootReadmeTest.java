package dev.stockpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The root README is what a new user reads first: it must keep naming the contract's variables, ports and commands. */
class RootReadmeTest {
    private static final Path ROOT = Path.of(System.getProperty("stockpipe.root", "..")).toAbsolutePath().normalize();

    /** DESIGN.md's environment variables: every one needs a documented default in the root README. */
    static final List<String> DESIGN_VARIABLES = List.of(
            "ALPACA_API_KEY", "ALPACA_API_SECRET", "ALPACA_DATA_WS_URL", "ALPACA_DATA_REST_URL", "ALPACA_FEED",
            "SUBSCRIBED_SYMBOLS", "KAFKA_BOOTSTRAP_SERVERS", "REDIS_HOST", "REDIS_PORT", "REDIS_CHANNEL_TRADES",
            "POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD", "BATCH_SIZE",
            "CONNECT_URL", "BARS_API_URL", "ALPACA_SIM_KEY", "ALPACA_SIM_SECRET", "BIND_HOST");

    private static String readme() throws IOException {
        return Files.readString(ROOT.resolve("README.md"));
    }

    @Test
    void shouldDocumentEveryDesignVariableInTheConfigurationTable() throws IOException {
        String configuration = section(readme(), "## Configuration");
        for (String variable : DESIGN_VARIABLES) {
            assertThat(configuration).as("README configuration table names %s", variable).contains("`" + variable + "`");
        }
    }

    @Test
    void shouldListEveryDesignPortWithItsPart() throws IOException {
        String ports = section(readme(), "## Ports");
        for (String port : List.of("5000", "8000", "8083", "8084", "8085", "8765", "9092")) {
            assertThat(ports).as("README ports table lists %s", port).containsPattern("(?m)^\\| " + port + " \\|");
        }
    }

    @Test
    void shouldGiveTheTwoCommandsThatCiAndUsersRun() throws IOException {
        String quickStart = section(readme(), "## Quick start");
        assertThat(quickStart).contains("./stockpipe up").contains("mvn verify");
        // .ci/run must run the README's test command.
        assertThat(Files.readString(ROOT.resolve(".ci/run"))).containsPattern("(?m)^mvn -B verify\\s*$");
    }

    @Test
    void shouldLinkOnlyToFilesThatExist() throws IOException {
        var links = java.util.regex.Pattern.compile("\\]\\(([^)#:]+)(#[^)]*)?\\)").matcher(readme());
        int count = 0;
        while (links.find()) {
            count++;
            assertThat(ROOT.resolve(links.group(1))).as("README link %s", links.group(1)).exists();
        }
        assertThat(count).as("README links to the module READMEs").isGreaterThan(5);
    }

    private static String section(String text, String heading) {
        int start = text.indexOf("\n" + heading + "\n");
        assertThat(start).as("README has a section %s", heading).isNotNegative();
        int end = text.indexOf("\n## ", start + heading.length() + 2);
        return end < 0 ? text.substring(start) : text.substring(start, end);
    }
}

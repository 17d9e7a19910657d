package dev.stockpipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stockpipe.model.Json;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the bench from rotting: `bench bars --quick` as the launcher runs it (its own JVM, the service as
 * another) must write a complete report. Asserts the report's structure, never its timings.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BenchQuickIT {

    @Test
    void shouldWriteACompleteReportForAQuickBarsRun(@TempDir Path out) throws Exception {
        Path module = Path.of("").toAbsolutePath();
        Path root = module.getParent();
        String cp = module.resolve("target/classes") + File.pathSeparator
                + Files.readString(module.resolve("target/classpath.txt")).trim();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m", "--add-exports", "jdk.internal.jvmstat/sun.jvmstat.monitor=ALL-UNNAMED", "-cp", cp,
                BenchMain.class.getName(), "bars", "--quick", "--root", root.toString(), "--out", out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(module.resolve("target/bench-quick-it.log").toFile()).start();
        try {
            assertThat(p.waitFor(280, TimeUnit.SECONDS)).as("bench finished").isTrue();
            assertThat(p.exitValue()).as("exit code (see target/bench-quick-it.log)").isZero();
        } finally {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }

        Path dir;
        try (Stream<Path> dirs = Files.list(out)) {
            dir = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("# stockpipe benchmark report", "## Summary: figures vs goals", "## Machine",
                "load average at start", "load average at end", "## bars:", "### Parameters", "### Figures",
                "### Latency", "### Processes", "### Plots", "bars-query-service", "JDBC /bars/latest", "--quick");

        JsonNode json = Json.MAPPER.readTree(dir.resolve("results.json").toFile());
        assertThat(json.path("quick").asBoolean()).isTrue();
        assertThat(json.has("goals_met")).isTrue();
        assertThat(json.path("machine").path("load average at start (1/5/15 min, runnable/total)").asText()).isNotBlank();
        JsonNode bars = json.path("flows").path("bars");
        assertThat(bars.path("status").asText()).isEqualTo("ok");
        assertThat(bars.path("figures").size()).isGreaterThan(5);
        for (String series : List.of("HTTP /bars/{symbol}", "JDBC /bars/{symbol}", "HTTP /bars/{symbol}/range",
                "JDBC /bars/{symbol}/range", "HTTP /bars/latest", "JDBC /bars/latest")) {
            JsonNode l = bars.path("latency_ms").path(series);
            assertThat(l.path("count").asLong()).as(series).isPositive();
            assertThat(l.has("p50") && l.has("p99") && l.has("p99_9") && l.has("max")).as(series).isTrue();
        }
        assertThat(bars.path("processes").findValuesAsText("name")).contains("bars-query-service", "postgresql");
        assertThat(bars.path("plots").size()).isEqualTo(2);
        for (JsonNode plot : bars.path("plots")) {
            BufferedImage img = ImageIO.read(dir.resolve(plot.asText()).toFile());
            assertThat(img).as(plot.asText()).isNotNull();
            assertThat(img.getWidth()).isGreaterThan(100);
        }
    }
}

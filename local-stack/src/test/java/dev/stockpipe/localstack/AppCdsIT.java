package dev.stockpipe.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real JVM records its archive at exit, and the next start of the same classpath maps it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AppCdsIT {

    @Test
    void shouldRecordTheArchiveAtStopAndMapItOnTheNextStart(@TempDir Path dir) throws Exception {
        Path module = Files.createDirectories(dir.resolve("module/target"));
        Path app = dir.resolve("app.jar");
        RunCopy.jar(Path.of("target/test-classes"), app);
        Files.writeString(module.resolve("classpath.txt"), app.toString());
        Path cds = dir.resolve("cds");
        Path logs = dir.resolve("logs");

        ServiceProcess.Spec first = ServiceProcess.Spec.javaModule("sleeper", dir.resolve("module"), SleeperMain.class.getName(),
                "32m", List.of(), Map.of("SLEEPER_GREETING", "one"), logs, List.of(), cds);
        assertThat(first.command()).anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit="));
        try (ServiceProcess p = ServiceProcess.start(first)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(p.logFile())
                    && Files.readString(p.logFile()).contains("sleeper started with one"));
        }
        try (var files = Files.list(cds)) {
            assertThat(files.toList()).singleElement().satisfies(a -> {
                assertThat(a.getFileName().toString()).endsWith(".jsa"); // renamed from .partial after the clean exit
                assertThat(Files.size(a)).isPositive();
            });
        }

        ServiceProcess.Spec second = ServiceProcess.Spec.javaModule("sleeper", dir.resolve("module"), SleeperMain.class.getName(),
                "32m", List.of(), Map.of("SLEEPER_GREETING", "two"), logs, List.of(), cds);
        assertThat(second.command()).anyMatch(a -> a.startsWith("-XX:SharedArchiveFile="));
        // -Xshare:on turns "archive unusable" into a failed start instead of a silent fallback.
        List<String> strict = new ArrayList<>(second.command());
        strict.add(1, "-Xshare:on");
        ServiceProcess.Spec checked = new ServiceProcess.Spec("sleeper-strict", strict, second.env(), logs.resolve("strict.log"),
                Duration.ofSeconds(5));
        try (ServiceProcess p = ServiceProcess.start(checked)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(p.logFile())
                    && Files.readString(p.logFile()).contains("sleeper started with two"));
            assertThat(p.isAlive()).isTrue();
        }
    }
}

package dev.stockpipe.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceProcessIT {

    @Test
    void shouldLogToItsOwnFileAndLeaveNoProcessWhenClosed(@TempDir Path dir) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ServiceProcess.Spec spec = new ServiceProcess.Spec("sleeper",
                List.of(java, "-Xmx32m", "-cp", System.getProperty("java.class.path"), SleeperMain.class.getName()),
                Map.of("SLEEPER_GREETING", "hello"), dir.resolve("logs/sleeper.log"), Duration.ofSeconds(5));
        long pid;
        try (ServiceProcess service = ServiceProcess.start(spec)) {
            pid = service.pid();
            assertThat(service.isAlive()).isTrue();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Files.exists(service.logFile()) && Files.readString(service.logFile()).contains("sleeper started with hello"));
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void shouldSayHowToBuildWhenAModuleHasNoClasspathFile(@TempDir Path dir) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServiceProcess.Spec.javaModule("ghost", dir, "x.Main", "64m",
                        Map.of(), dir, List.of()))
                .isInstanceOf(LocalStackException.class)
                .hasMessageContaining("mvn -q -B install -DskipTests");
    }
}

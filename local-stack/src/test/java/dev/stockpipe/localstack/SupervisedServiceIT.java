package dev.stockpipe.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SupervisedServiceIT {

    @Test
    void shouldRestartAKilledServiceReportItAndStopForGoodWhenClosed(@TempDir Path dir) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ServiceProcess.Spec spec = new ServiceProcess.Spec("sleeper",
                List.of(java, "-Xmx32m", "-cp", System.getProperty("java.class.path"), SleeperMain.class.getName()),
                Map.of("SLEEPER_GREETING", "hello"), dir.resolve("logs/sleeper.log"), Duration.ofSeconds(5));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        List<SupervisedService.Snapshot> changes = new CopyOnWriteArrayList<>();
        long first;
        long second;
        try (SupervisedService s = SupervisedService.start(spec,
                new RestartBackoff(Duration.ofMillis(100), Duration.ofMillis(400), new Random(3)),
                new PrintStream(console, true, StandardCharsets.UTF_8), changes::add)) {
            first = s.pid();
            ProcessHandle.of(first).orElseThrow().destroyForcibly();
            // The RUNNING notification follows the new pid by a moment: wait for it too, then check what was said.
            await().atMost(Duration.ofSeconds(30)).until(() -> s.snapshot().restarts() == 1 && s.isAlive() && s.pid() != first
                    && changes.stream().anyMatch(c -> c.state() == SupervisedService.State.RUNNING));
            second = s.pid();
            assertThat(s.snapshot().lastExit()).startsWith("exit 137 (SIGKILL)");
            assertThat(changes).extracting(SupervisedService.Snapshot::state)
                    .contains(SupervisedService.State.RESTARTING, SupervisedService.State.RUNNING);
            assertThat(console.toString(StandardCharsets.UTF_8)).contains("sleeper", "crashed", "restarted (pid " + second);
        }
        assertThat(ProcessHandle.of(second).map(ProcessHandle::isAlive).orElse(false)).as("closed: no restart").isFalse();
        int restartsAtClose = changes.size();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> changes.size() == restartsAtClose);
    }
}

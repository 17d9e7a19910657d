package dev.stockpipe.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the CLI end to end: `up` runs as its own process (as ./stockpipe runs it), `status` and
 * `down` run in this JVM. Every port is an explicit free one, never the machine's 9092/5432/6379.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LocalStackCliIT {

    @Test
    void shouldStartReportHealthyAndStopLeavingNoProcess(@TempDir Path home) throws Exception {
        Map<String, String> env = env(home);
        Process up = startUp(env, home);
        try {
            StackState state = awaitUp(home, up);
            assertThat(state.parts()).extracting(StackState.Part::name)
                    .containsExactly(StackState.KAFKA, StackState.POSTGRES, StackState.REDIS);
            assertThat(Files.readString(home.resolve("stack.env"))).contains("KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:" + env.get("KAFKA_PORT"));

            Result status = cli(env, "status");
            assertThat(status.rc).as(status.out).isZero();
            assertThat(status.out).contains("Kafka", "PostgreSQL", "Redis").doesNotContain("DOWN");

            Result again = cli(env, "up");
            assertThat(again.rc).isEqualTo(1);
            assertThat(again.err).contains("already up");

            List<Long> childPids = childPids(state);
            Result down = cli(env, "down");
            assertThat(down.rc).as(down.err).isZero();
            assertThat(up.waitFor(30, TimeUnit.SECONDS)).isTrue();
            awaitGone(childPids);
            assertThat(home.resolve("state.json")).doesNotExist();
            assertThat(cli(env, "status").rc).isEqualTo(LocalStackMain.EXIT_NOT_UP);
        } finally {
            stopQuietly(up, env);
        }
    }

    @Test
    void shouldStopLeftoverChildrenWhenUpWasKilled(@TempDir Path home) throws Exception {
        Map<String, String> env = env(home);
        Process up = startUp(env, home);
        try {
            StackState state = awaitUp(home, up);
            List<Long> childPids = childPids(state);
            assertThat(childPids).hasSize(2).allSatisfy(pid -> assertThat(alive(pid)).isTrue());
            up.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // kill -9: no shutdown hook runs

            Result status = cli(env, "status");
            assertThat(status.rc).isEqualTo(1);
            assertThat(status.out).contains("stale");
            Result down = cli(env, "down");
            assertThat(down.rc).as(down.err).isZero();
            assertThat(down.out).contains("leftover PostgreSQL", "leftover Redis");
            awaitGone(childPids);
        } finally {
            stopQuietly(up, env);
        }
    }

    /** Whatever an assertion did, leave no PostgreSQL or Redis behind: `down` knows their PIDs. */
    private static void stopQuietly(Process up, Map<String, String> env) {
        cli(env, "down");
        up.destroyForcibly();
    }

    /** Exited, or a zombie waiting for init to reap it (it holds no port and no file any more). */
    private static void awaitGone(List<Long> pids) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(pids)
                .allSatisfy(pid -> assertThat(alive(pid) && !zombie(pid)).as("pid " + pid + " still running").isFalse()));
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException e) {
            return true; // gone between the two checks
        }
    }

    @Test
    void shouldUseExternalPartsWithoutStartingOrStoppingThem(@TempDir Path home, @TempDir Path kafkaDir) throws Exception {
        try (EmbeddedKafka external = EmbeddedKafka.start(kafkaDir, 0, 1); EmbeddedRedis externalRedis = EmbeddedRedis.start(0)) {
            Map<String, String> env = env(home);
            env.put("KAFKA_BOOTSTRAP_SERVERS", external.bootstrapServers());
            env.put("REDIS_HOST", externalRedis.host());
            env.put("REDIS_PORT", Integer.toString(externalRedis.port()));
            Process up = startUp(env, home);
            try {
                StackState state = awaitUp(home, up);
                assertThat(state.part(StackState.KAFKA).orElseThrow().mode()).isEqualTo("external");
                assertThat(state.part(StackState.REDIS).orElseThrow().mode()).isEqualTo("external");
                assertThat(state.part(StackState.POSTGRES).orElseThrow().mode()).isEqualTo("embedded");
                try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", external.bootstrapServers()))) {
                    var topics = admin.describeTopics(dev.stockpipe.model.Topics.ALL).allTopicNames().get(30, TimeUnit.SECONDS);
                    assertThat(topics.values()).allSatisfy(t -> assertThat(t.partitions()).hasSize(2));
                }
                assertThat(cli(env, "down").rc).isZero();
                assertThat(up.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(externalRedis.ping()).as("external Redis left running").isTrue();
                assertThat(Health.kafka(external.bootstrapServers(), 5000).healthy()).as("external Kafka left running").isTrue();
            } finally {
                stopQuietly(up, env);
            }
        }
    }

    @Test
    void shouldRefuseATakenPortTheUserAskedForBeforeStartingAnything(@TempDir Path home) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> env = env(home);
            env.put("REDIS_PORT", Integer.toString(taken.getLocalPort()));
            Result up = cli(env, "up");
            assertThat(up.rc).isEqualTo(1);
            assertThat(up.err).contains("Redis: port " + taken.getLocalPort() + " (REDIS_PORT) is already in use")
                    .contains("set REDIS_PORT to a free port");
            assertThat(up.out).doesNotContain("ready");
        }
    }

    @Test
    void shouldFailClearlyWhenAnExternalServiceIsUnreachable(@TempDir Path home) throws Exception {
        Map<String, String> env = env(home);
        env.put("REDIS_HOST", "127.0.0.1");
        env.put("REDIS_PORT", Integer.toString(FreePorts.pick())); // nothing listens there
        env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + FreePorts.pick());
        env.put("POSTGRES_HOST", "127.0.0.1");
        Result up = cli(env, "up");
        assertThat(up.rc).isEqualTo(1);
        assertThat(up.err).contains("unreachable").contains("unset");
        assertThat(home.resolve("state.json")).doesNotExist();
    }

    @Test
    void shouldReportEveryConfigurationProblemWithExitCode2(@TempDir Path home) {
        Map<String, String> env = env(home);
        env.put("KAFKA_PORT", "abc");
        env.put("POSTGRES_PORT", "99999");
        Result up = cli(env, "up");
        assertThat(up.rc).isEqualTo(LocalStackMain.EXIT_CONFIG);
        assertThat(up.err).contains("KAFKA_PORT=abc").contains("POSTGRES_PORT=99999");
    }

    private static Map<String, String> env(Path home) {
        Map<String, String> env = new HashMap<>();
        env.put("STOCKPIPE_HOME", home.toString());
        env.put("STOCKPIPE_SERVICES", "none"); // infrastructure only: the services are tested by e2e PipelineIT
        env.put("KAFKA_PORT", Integer.toString(FreePorts.pick()));
        env.put("POSTGRES_PORT", Integer.toString(FreePorts.pick()));
        env.put("REDIS_PORT", Integer.toString(FreePorts.pick()));
        env.put("KAFKA_PARTITIONS", "2");
        return env;
    }

    private static Process startUp(Map<String, String> env, Path home) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                LocalStackMain.class.getName(), "up")
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("up.out").toFile());
        for (String external : List.of("KAFKA_BOOTSTRAP_SERVERS", "POSTGRES_HOST", "REDIS_HOST")) {
            pb.environment().remove(external);
        }
        pb.environment().putAll(env);
        return pb.start();
    }

    private static StackState awaitUp(Path home, Process up) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!up.isAlive()) {
                throw new AssertionError("up exited " + up.exitValue() + ": " + Files.readString(home.resolve("up.out")));
            }
            Optional<StackState> s = StackState.read(home.resolve("state.json"));
            return s.isPresent() && s.get().parts().size() == 3 && Files.readString(home.resolve("up.out")).contains("stockpipe: up");
        });
        return StackState.read(home.resolve("state.json")).orElseThrow();
    }

    private static List<Long> childPids(StackState state) {
        return state.parts().stream().map(StackState.Part::pid).filter(pid -> pid > 0 && pid != state.pid()).toList();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    record Result(int rc, String out, String err) {}

    private static Result cli(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = LocalStackMain.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}

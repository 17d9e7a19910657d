package dev.stockpipe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stockpipe.model.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml checked against DESIGN.md without a Docker engine: images, health checks, published
 * ports, environment names, the 3-broker bootstrap list, replication factor 3, depends_on conditions and
 * .env.example. DESIGN.md's names are constants here on purpose: CI checks out only this repository.
 */
class DockerComposeFileTest {

    /** DESIGN.md "Environment variables", plus BIND_HOST ("docker-compose sets it for containers"). */
    static final Set<String> DESIGN_VARIABLES = Set.of(
            "ALPACA_API_KEY", "ALPACA_API_SECRET", "ALPACA_DATA_WS_URL", "ALPACA_DATA_REST_URL", "ALPACA_FEED",
            "SUBSCRIBED_SYMBOLS", "KAFKA_BOOTSTRAP_SERVERS", "REDIS_HOST", "REDIS_PORT", "REDIS_CHANNEL_TRADES",
            "POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD", "BATCH_SIZE",
            "CONNECT_URL", "BARS_API_URL", "ALPACA_SIM_KEY", "ALPACA_SIM_SECRET", "BIND_HOST");

    /** Module variables the stockpipe containers also need; each is explained in docs/deploy.md. */
    static final Set<String> DOCUMENTED_EXTRAS = Set.of(
            "CONNECT_REPLICATION_FACTOR", "CONNECT_PLUGIN_PATH", "CONNECT_CONFIGS_DIR",
            "STREAMS_REPLICATION_FACTOR", "STREAMS_ADVERTISED_HOST", "STREAMS_STATE_DIR");

    /** DESIGN.md "Ports and endpoints": service → port, published on the host as the same number. */
    static final Map<String, Integer> DESIGN_PORTS = Map.of(
            "bars-query-service", 8000,
            "ws-relay", 5000,
            "connect", 8083,
            "streams-app", 8084,
            "kafka-1", 9092,
            "alpaca-sim", 8765,
            "ingest-bridge", 8085,
            "kafka-ui", 8080);

    /** The stockpipe images and the Maven module each is built from by Jib. */
    static final Map<String, String> STOCKPIPE_IMAGES = Map.of(
            "alpaca-sim", "alpaca-sim",
            "ingest-bridge", "ingest-bridge",
            "streams-app", "streams-app",
            "connect", "connect-configs",
            "bars-query-service", "bars-query-service",
            "ws-relay", "ws-relay");

    /** Services that run once and exit; everything else runs and must report its health. */
    static final Set<String> ONE_SHOT = Set.of("init-topics", "init-db", "init-connectors");

    static Path root;
    static Map<String, Object> compose;
    static Map<String, Map<String, Object>> services;
    static Map<String, String> envExample;

    @BeforeAll
    static void load() throws IOException {
        root = Path.of(System.getProperty("stockpipe.root", "..")).toAbsolutePath().normalize();
        compose = new Yaml().load(Files.readString(root.resolve("docker-compose.yml")));
        services = new LinkedHashMap<>();
        map(compose.get("services")).forEach((name, def) -> services.put(name, map(def)));
        envExample = readEnvFile(root.resolve(".env.example"));
    }

    @Test
    void shouldGiveEveryServiceAnImageOrBuild() {
        assertThat(services).isNotEmpty();
        services.forEach((name, s) -> assertThat(s.containsKey("image") || s.containsKey("build"))
                .as("service %s has an image or a build", name).isTrue());
    }

    @Test
    void shouldBuildStockpipeServicesFromJibImagesOfExistingModules() {
        STOCKPIPE_IMAGES.forEach((service, module) -> {
            assertThat(services).containsKey(service);
            assertThat(resolved(services.get(service).get("image")))
                    .as("image of %s", service).isEqualTo("stockpipe/" + module + ":latest");
            assertThat(root.resolve(module).resolve("pom.xml")).as("module of image %s", service).isRegularFile();
        });
        // The one-shots that run our CLI use the connect-configs image too.
        assertThat(resolved(services.get("init-db").get("image"))).isEqualTo("stockpipe/connect-configs:latest");
        assertThat(resolved(services.get("init-connectors").get("image"))).isEqualTo("stockpipe/connect-configs:latest");
    }

    @Test
    void shouldGiveEveryLongRunningServiceAHealthcheck() {
        Set<String> runOnce = new TreeSet<>();
        services.forEach((name, s) -> {
            if ("no".equals(String.valueOf(s.get("restart")))) {
                runOnce.add(name);
            }
        });
        assertThat(runOnce).as("services with restart: \"no\"").isEqualTo(new TreeSet<>(ONE_SHOT));
        services.forEach((name, s) -> {
            if (ONE_SHOT.contains(name)) {
                return;
            }
            assertThat(hasHealthcheck(s)).as("service %s has a healthcheck", name).isTrue();
            assertThat(String.valueOf(s.get("restart"))).as("restart policy of %s", name).isEqualTo("unless-stopped");
        });
    }

    @Test
    void shouldProbeEachStockpipeServiceOnItsOwnPort() {
        STOCKPIPE_IMAGES.keySet().forEach(service -> {
            String probe = String.join(" ", strings(map(services.get(service).get("healthcheck")).get("test")));
            assertThat(probe).as("healthcheck of %s", service)
                    .contains("http://127.0.0.1:" + DESIGN_PORTS.get(service) + "/");
        });
    }

    @Test
    void shouldPublishThePortsOfDesignMd() {
        DESIGN_PORTS.forEach((service, port) -> {
            assertThat(services).containsKey(service);
            List<Published> published = published(service);
            assertThat(published).as("published ports of %s", service)
                    .contains(new Published("127.0.0.1", port, port));
        });
        // No two services claim the same host port, and by default nothing binds beyond loopback.
        List<Integer> hostPorts = new ArrayList<>();
        services.keySet().forEach(service -> published(service).forEach(p -> {
            hostPorts.add(p.hostPort());
            assertThat(p.hostIp()).as("bind address of %s:%d", service, p.hostPort()).isEqualTo("127.0.0.1");
        }));
        assertThat(hostPorts).doesNotHaveDuplicates();
    }

    @Test
    void shouldUseOnlyDesignMdVariableNamesInStockpipeServices() {
        Set<String> allowed = new LinkedHashSet<>(DESIGN_VARIABLES);
        allowed.addAll(DOCUMENTED_EXTRAS);
        Set<String> used = new TreeSet<>();
        services.forEach((name, s) -> {
            if (!isStockpipeImage(s)) {
                return;
            }
            environment(s).keySet().forEach(v -> {
                assertThat(allowed).as("variable %s of service %s is a DESIGN.md name or a documented extra", v, name)
                        .contains(v);
                used.add(v);
            });
        });
        // Every DESIGN.md name reaches some container (BIND_HOST included).
        assertThat(used).containsAll(DESIGN_VARIABLES);
    }

    @Test
    void shouldDocumentEveryExtraVariableInDeployGuide() throws IOException {
        String guide = Files.readString(root.resolve("docs/deploy.md"));
        DOCUMENTED_EXTRAS.forEach(v -> assertThat(guide).as("docs/deploy.md explains %s", v).contains("`" + v + "`"));
    }

    @Test
    void shouldBindEveryLongRunningStockpipeServiceToAllInterfaces() {
        STOCKPIPE_IMAGES.keySet().forEach(service ->
                assertThat(environment(services.get(service))).as("environment of %s", service)
                        .containsEntry("BIND_HOST", "0.0.0.0"));
    }

    @Test
    void shouldListAllThreeBrokersInKafkaBootstrapServers() {
        Map<String, String> internal = new TreeMap<>();
        Set<String> voters = new TreeSet<>();
        services.forEach((name, s) -> {
            Map<String, String> env = environment(s);
            if (env.getOrDefault("KAFKA_PROCESS_ROLES", "").contains("broker")) {
                Matcher m = Pattern.compile("INTERNAL://([^,]+)").matcher(env.get("KAFKA_ADVERTISED_LISTENERS"));
                assertThat(m.find()).as("INTERNAL listener of %s", name).isTrue();
                internal.put(name, m.group(1));
                voters.add(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
            }
        });
        assertThat(internal).as("brokers").hasSize(3);
        assertThat(voters).as("every broker has the same 3-voter quorum").hasSize(1);
        assertThat(voters.iterator().next().split(",")).hasSize(3);

        Set<String> expected = new TreeSet<>(internal.values());
        int clients = 0;
        for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
            Map<String, String> env = environment(e.getValue());
            for (String key : List.of("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS")) {
                if (env.containsKey(key)) {
                    clients++;
                    assertThat(new TreeSet<>(List.of(env.get(key).split(","))))
                            .as("%s of %s", key, e.getKey()).isEqualTo(expected);
                }
            }
        }
        assertThat(clients).as("Kafka clients in the compose file").isGreaterThanOrEqualTo(5);
        assertThat(envExample.get("KAFKA_BOOTSTRAP_SERVERS").split(",")).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void shouldCreateEveryStockpipeTopicWithReplicationFactorThree() throws IOException {
        Map<String, Object> init = services.get("init-topics");
        Map<String, String> env = environment(init);
        assertThat(env).containsEntry("TOPIC_REPLICATION_FACTOR", "3").containsEntry("TOPIC_MIN_INSYNC_REPLICAS", "2");

        Path script = mountedFile(init, "/opt/stockpipe/create-topics.sh");
        assertThat(strings(init.get("entrypoint"))).containsExactly("bash", "/opt/stockpipe/create-topics.sh");
        String text = Files.readString(script);
        Matcher list = Pattern.compile("(?s)TOPICS=\\((.*?)\\)").matcher(text);
        assertThat(list.find()).as("TOPICS array in %s", script).isTrue();
        assertThat(list.group(1).trim().split("\\s+")).containsExactlyElementsOf(Topics.ALL);
        assertThat(text).contains("REPLICATION_FACTOR=\"${TOPIC_REPLICATION_FACTOR:-3}\"")
                .contains("--replication-factor \"$REPLICATION_FACTOR\"")
                .contains("--config min.insync.replicas=\"$MIN_ISR\"");

        // Topics the services create themselves are replicated alike, and the brokers never auto-create.
        assertThat(environment(services.get("streams-app"))).containsEntry("STREAMS_REPLICATION_FACTOR", "3");
        assertThat(environment(services.get("connect"))).containsEntry("CONNECT_REPLICATION_FACTOR", "3");
        for (String broker : List.of("kafka-1", "kafka-2", "kafka-3")) {
            assertThat(environment(services.get(broker))).as("environment of %s", broker)
                    .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
                    .containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        }
    }

    @Test
    void shouldMigrateAndApplyConnectorsInOneShotServices() {
        assertThat(strings(services.get("init-db").get("entrypoint"))).last().isEqualTo("dev.stockpipe.connect.ConnectorsCli");
        assertThat(strings(services.get("init-db").get("command"))).containsExactly("migrate");
        assertThat(strings(services.get("init-connectors").get("entrypoint"))).last().isEqualTo("dev.stockpipe.connect.ConnectorsCli");
        assertThat(strings(services.get("init-connectors").get("command"))).startsWith("connectors", "apply");
        // The connector files it applies are the repository's own.
        Map<String, Object> init = services.get("init-connectors");
        String dir = environment(init).get("CONNECT_CONFIGS_DIR");
        assertThat(mountedFile(init, dir + "/stock-trades-sink.json")).isRegularFile();
        assertThat(mountedFile(init, dir + "/stock-bars-sink.json")).isRegularFile();
    }

    @Test
    void shouldDependOnlyOnExistingServicesWithMatchingConditions() {
        Map<String, Set<String>> graph = new HashMap<>();
        services.forEach((name, s) -> {
            Map<String, String> deps = dependsOn(s);
            graph.put(name, deps.keySet());
            deps.forEach((target, condition) -> {
                assertThat(services).as("%s depends on %s", name, target).containsKey(target);
                if (ONE_SHOT.contains(target)) {
                    assertThat(condition).as("%s waits for one-shot %s", name, target)
                            .isEqualTo("service_completed_successfully");
                } else {
                    assertThat(condition).as("%s waits for %s", name, target).isEqualTo("service_healthy");
                    assertThat(hasHealthcheck(services.get(target))).as("%s has a healthcheck", target).isTrue();
                }
            });
        });
        // Each stockpipe service waits for what it connects to.
        assertThat(dependsOn(services.get("ingest-bridge"))).containsKeys("init-topics", "redis", "alpaca-sim");
        assertThat(dependsOn(services.get("streams-app"))).containsKeys("init-topics");
        assertThat(dependsOn(services.get("connect"))).containsKeys("init-topics", "init-db");
        assertThat(dependsOn(services.get("init-connectors"))).containsKeys("connect");
        assertThat(dependsOn(services.get("bars-query-service"))).containsKeys("init-db");
        assertThat(dependsOn(services.get("ws-relay"))).containsKeys("redis", "bars-query-service");
        assertThat(dependsOn(services.get("init-topics"))).containsKeys("kafka-1", "kafka-2", "kafka-3");
        assertThat(dependsOn(services.get("init-db"))).containsKeys("postgres");
        // Compose refuses cycles; so do we.
        services.keySet().forEach(start -> assertThat(reaches(graph, start, start, new LinkedHashSet<>()))
                .as("dependency cycle through %s", start).isFalse());
    }

    @Test
    void shouldDefineEveryReferencedVariableInEnvExample() {
        Map<String, Set<String>> defaults = new TreeMap<>();
        Set<String> required = new TreeSet<>();
        walkStrings(compose, text -> ComposeInterpolation.references(text).forEach(ref -> {
            assertThat(envExample).as(".env.example defines ${%s}", ref.name()).containsKey(ref.name());
            if (ref.hasDefault()) {
                defaults.computeIfAbsent(ref.name(), k -> new TreeSet<>()).add(ref.argument());
            } else if (ref.required()) {
                required.add(ref.name());
            }
        }));
        // One default per variable, and it is the one .env.example shows.
        defaults.forEach((name, values) -> {
            assertThat(values).as("defaults of ${%s} in docker-compose.yml", name).hasSize(1);
            assertThat(envExample.get(name)).as(".env.example value of %s", name).isEqualTo(values.iterator().next());
        });
        required.forEach(name -> assertThat(envExample.get(name)).as("example value of required %s", name).isNotBlank());
        // And .env.example lists nothing the compose file ignores.
        Set<String> referenced = new TreeSet<>();
        walkStrings(compose, text -> ComposeInterpolation.references(text).forEach(ref -> referenced.add(ref.name())));
        assertThat(envExample.keySet()).as(".env.example entries").isSubsetOf(referenced);
    }

    @Test
    void shouldDocumentEachEnvExampleEntryWithAOneLineComment() throws IOException {
        List<String> lines = Files.readAllLines(root.resolve(".env.example"));
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (!line.isEmpty() && !line.startsWith("#")) {
                assertThat(i).as("line %d of .env.example has a comment above it", i + 1).isPositive();
                assertThat(lines.get(i - 1).trim()).as("comment above %s", line).startsWith("# ").hasSizeGreaterThan(5);
            }
        }
    }

    @Test
    void shouldMountOnlyFilesThatExistInTheCheckout() {
        services.forEach((name, s) -> strings(s.get("volumes")).forEach(v -> {
            if (v.startsWith("./")) {
                Path host = root.resolve(v.substring(2, v.indexOf(':'))).normalize();
                assertThat(host).as("bind mount %s of %s", v, name).exists();
            } else {
                String volume = v.substring(0, v.indexOf(':'));
                assertThat(map(compose.get("volumes"))).as("named volume %s of %s", volume, name).containsKey(volume);
            }
        }));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    record Published(String hostIp, int hostPort, int containerPort) {}

    /** Short-syntax ports ("[ip:]host:container"), resolved with .env.example's values. */
    static List<Published> published(String service) {
        List<Published> out = new ArrayList<>();
        for (String p : strings(services.get(service).get("ports"))) {
            String[] parts = resolved(p).split(":");
            assertThat(parts.length).as("port %s of %s is ip:host:container", p, service).isEqualTo(3);
            out.add(new Published(parts[0], Integer.parseInt(parts[1]), Integer.parseInt(parts[2])));
        }
        return out;
    }

    static boolean isStockpipeImage(Map<String, Object> service) {
        return String.valueOf(service.get("image")).startsWith("stockpipe/");
    }

    static boolean hasHealthcheck(Map<String, Object> service) {
        Map<String, Object> hc = map(service.get("healthcheck"));
        return !hc.isEmpty() && !Boolean.TRUE.equals(hc.get("disable")) && !strings(hc.get("test")).isEmpty()
                && !"NONE".equals(strings(hc.get("test")).get(0));
    }

    /** The environment of a service, list or map syntax, every value resolved with .env.example. */
    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object raw = service.get("environment");
        if (raw instanceof Map<?, ?> m) {
            m.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : resolved(v)));
        } else if (raw instanceof List<?> l) {
            for (Object o : l) {
                String s = String.valueOf(o);
                int eq = s.indexOf('=');
                env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : resolved(s.substring(eq + 1)));
            }
        }
        return env;
    }

    /** depends_on as target → condition (the short list syntax means service_started). */
    static Map<String, String> dependsOn(Map<String, Object> service) {
        Map<String, String> deps = new LinkedHashMap<>();
        Object raw = service.get("depends_on");
        if (raw instanceof Map<?, ?> m) {
            m.forEach((k, v) -> deps.put(String.valueOf(k), String.valueOf(map(v).getOrDefault("condition", "service_started"))));
        } else if (raw instanceof List<?> l) {
            l.forEach(o -> deps.put(String.valueOf(o), "service_started"));
        }
        return deps;
    }

    /** The checkout file bind-mounted at {@code containerPath}. */
    static Path mountedFile(Map<String, Object> service, String containerPath) {
        for (String v : strings(service.get("volumes"))) {
            String[] parts = v.split(":");
            if (parts.length >= 2 && parts[1].equals(containerPath) && parts[0].startsWith("./")) {
                return root.resolve(parts[0].substring(2)).normalize();
            }
        }
        throw new AssertionError("no bind mount at " + containerPath + " in " + service.get("volumes"));
    }

    static boolean reaches(Map<String, Set<String>> graph, String from, String target, Set<String> seen) {
        for (String next : graph.getOrDefault(from, Set.of())) {
            if (next.equals(target) || (seen.add(next) && reaches(graph, next, target, seen))) {
                return true;
            }
        }
        return false;
    }

    static String resolved(Object value) {
        return ComposeInterpolation.resolve(String.valueOf(value), envExample);
    }

    static void walkStrings(Object node, java.util.function.Consumer<String> visitor) {
        if (node instanceof Map<?, ?> m) {
            m.values().forEach(v -> walkStrings(v, visitor));
        } else if (node instanceof List<?> l) {
            l.forEach(v -> walkStrings(v, visitor));
        } else if (node instanceof String s) {
            visitor.accept(s);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> ? (Map<String, Object>) o : Map.of();
    }

    static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        } else if (o != null) {
            out.add(String.valueOf(o));
        }
        return out;
    }

    /** KEY=VALUE lines as docker compose reads .env: comments and blank lines skipped, no quotes used here. */
    static Map<String, String> readEnvFile(Path file) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            int eq = t.indexOf('=');
            assertThat(eq).as(".env.example line %s is KEY=VALUE", t).isPositive();
            assertThat(env.put(t.substring(0, eq), t.substring(eq + 1))).as("%s defined twice", t.substring(0, eq)).isNull();
        }
        return env;
    }
}

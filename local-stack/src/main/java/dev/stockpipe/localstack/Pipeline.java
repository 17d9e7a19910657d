package dev.stockpipe.localstack;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services part of {@code up}, after Kafka, PostgreSQL and Redis: migrates PostgreSQL, starts every
 * service as its own supervised JVM, applies the connectors once Connect answers, and prints one ready
 * line per part in DESIGN order. All processes are launched at once (their JVM start-up overlaps;
 * each retries its own dependencies), and the ready lines wait in order.
 */
final class Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private static final Duration POLL = Duration.ofMillis(250);
    /** Short-lived CLIs: C1 only starts faster. */
    private static final List<String> CLI_JVM = List.of("-XX:TieredStopAtLevel=1");
    private static final String CLI_HEAP = "192m";
    private static final String CONNECT_CLI = "dev.stockpipe.connect.ConnectorsCli";

    private final LocalStack stack;
    private final LocalStackConfig cfg;
    private final ServicesConfig sc;
    private final Map<String, String> userEnv;
    private final PrintStream out;
    private final Map<String, Integer> ports;
    private final Map<String, SupervisedService> running = new LinkedHashMap<>();
    private final Random random = new Random();

    Pipeline(LocalStack stack, LocalStackConfig cfg, ServicesConfig sc, Map<String, String> userEnv, PrintStream out,
             Map<String, Integer> ports) {
        this.stack = stack;
        this.cfg = cfg;
        this.sc = sc;
        this.userEnv = userEnv;
        this.out = out;
        this.ports = ports;
    }

    /** Picks each service's port before anything starts: a taken port the user asked for fails at once. */
    static Map<String, Integer> planPorts(ServicesConfig sc, String bindHost, PrintStream out) {
        Map<String, Integer> chosen = new LinkedHashMap<>();
        List<String> taken = new ArrayList<>();
        for (ServiceDef d : ServiceDef.ALL) {
            if (!sc.runs(d.name())) {
                continue;
            }
            int wanted = sc.ports().get(d.name());
            if (FreePorts.isFree(bindHost, wanted)) {
                chosen.put(d.name(), wanted);
            } else if (sc.portsSet().contains(d.name())) {
                taken.add(d.name() + ": port " + wanted + " (" + d.portVariable() + ") is already in use on " + bindHost
                        + ": stop what listens there or set " + d.portVariable() + " to a free port");
            } else {
                int free = FreePorts.pick();
                out.println("stockpipe: " + d.name() + ": default port " + wanted + " is taken, using " + free
                        + " (set " + d.portVariable() + " to choose)");
                chosen.put(d.name(), free);
            }
        }
        if (!taken.isEmpty()) {
            throw new LocalStackException(String.join("; ", taken));
        }
        return chosen;
    }

    String url(String service) {
        return "http://" + cfg.bindHost() + ":" + ports.get(service);
    }

    /** The environment every service gets: the user's, with the running stack's addresses on top. */
    Map<String, String> serviceEnv(StackState infra) {
        Map<String, String> env = new HashMap<>(userEnv);
        env.put(LocalStackConfig.BIND_HOST, cfg.bindHost());
        infra.part(StackState.KAFKA).ifPresent(k -> env.put("KAFKA_BOOTSTRAP_SERVERS", k.endpoint()));
        infra.part(StackState.POSTGRES).ifPresent(p -> {
            env.put("POSTGRES_HOST", p.host());
            env.put("POSTGRES_PORT", Integer.toString(p.port()));
            env.put("POSTGRES_DB", p.database());
            env.put("POSTGRES_USER", p.user());
        });
        env.put("POSTGRES_PASSWORD", cfg.postgresPassword());
        infra.part(StackState.REDIS).ifPresent(r -> {
            env.put("REDIS_HOST", r.host());
            env.put("REDIS_PORT", Integer.toString(r.port()));
        });
        for (ServiceDef d : ServiceDef.ALL) {
            if (ports.containsKey(d.name())) {
                env.put(d.portVariable(), Integer.toString(ports.get(d.name())));
            }
        }
        env.put("CONNECT_URL", "http://" + cfg.bindHost() + ":" + ports.getOrDefault(ServiceDef.CONNECT, sc.ports().get(ServiceDef.CONNECT)));
        env.put("BARS_API_URL", "http://" + cfg.bindHost() + ":" + ports.getOrDefault(ServiceDef.BARS_QUERY, sc.ports().get(ServiceDef.BARS_QUERY)));
        env.put("ALPACA_FEED", sc.feed());
        env.put("SUBSCRIBED_SYMBOLS", sc.subscribedSymbols());
        if (sc.realAlpaca()) {
            env.put("ALPACA_DATA_WS_URL", sc.alpacaWsUrl());
            env.put("ALPACA_DATA_REST_URL", sc.alpacaRestUrl());
        } else {
            String sim = "127.0.0.1:" + ports.getOrDefault(ServiceDef.ALPACA_SIM, sc.ports().get(ServiceDef.ALPACA_SIM));
            env.put("ALPACA_DATA_WS_URL", sc.alpacaWsUrl() != null ? sc.alpacaWsUrl() : "ws://" + sim + "/v2/" + sc.feed());
            env.put("ALPACA_DATA_REST_URL", sc.alpacaRestUrl() != null ? sc.alpacaRestUrl() : "http://" + sim);
            // The simulator trades what the bridge subscribes, unless told otherwise.
            env.putIfAbsent("ALPACA_SIM_SYMBOLS", sc.subscribedSymbols());
        }
        Path connectModule = sc.root().resolve("connect-configs");
        env.put("CONNECT_PLUGIN_PATH", connectModule.resolve("target/connect-plugins").toString());
        env.put("CONNECT_CONFIGS_DIR", connectModule.toString());
        env.putIfAbsent("STREAMS_STATE_DIR", cfg.home().resolve("streams").toString());
        return env;
    }

    /** Starts everything, prints the ready lines; returns the summary lines. */
    List<String> start(StackState infra, long upStartNanos) {
        Map<String, String> env = serviceEnv(infra);
        Path logs = cfg.logDir();
        List<String> summary = new ArrayList<>();

        // Migrations first in line: bars-query-service's /health needs the tables.
        ServiceProcess migrate = null;
        long migrateT0 = System.nanoTime();
        ServiceDef connectDef = ServiceDef.byName(ServiceDef.CONNECT).orElseThrow();
        Path connectModule = sc.moduleDir(connectDef);
        boolean connectBuilt = built(connectModule);
        // One private copy of connect-configs serves the worker and both CLIs (and their class-data archives).
        Path connectRun = connectBuilt ? RunCopy.of(connectModule, cfg.home().resolve("run").resolve(ServiceDef.CONNECT)) : null;
        Path cds = sc.cds() ? cfg.home().resolve("cds") : null;
        if (connectBuilt) {
            migrate = stack.supervise(ServiceProcess.Spec.javaModule("migrate", connectRun, CONNECT_CLI, CLI_HEAP, CLI_JVM,
                    env, logs, List.of("migrate"), cds));
        }

        Map<String, Long> launchedAt = new HashMap<>();
        for (ServiceDef d : ServiceDef.ALL) {
            if (!sc.selected().contains(d.name())) {
                record(d, "skipped", "not selected (" + ServicesConfig.STOCKPIPE_SERVICES + ")", -1);
                continue;
            }
            if (!sc.runs(d.name())) {
                record(d, "skipped", ServicesConfig.ALPACA_API_KEY + " is set: the bridge uses " + sc.alpacaWsUrl(), -1);
                continue;
            }
            Path dir = sc.moduleDir(d);
            if (!built(dir)) {
                record(d, "not built", "no " + dir.resolve("target/classpath.txt") + ": run `mvn -q -B install -DskipTests`", -1);
                continue;
            }
            // Run from a private copy, so a rebuild while the stack runs cannot pull class files from under it.
            Path runFrom = ServiceDef.CONNECT.equals(d.name()) ? connectRun : RunCopy.of(dir, cfg.home().resolve("run").resolve(d.name()));
            ServiceProcess.Spec spec = ServiceProcess.Spec.javaModule(d.name(), runFrom, d.mainClass(), sc.heaps().get(d.name()),
                    List.of(), env, logs, List.of(), cds);
            launchedAt.put(d.name(), System.nanoTime());
            SupervisedService s = stack.supervise(spec, new RestartBackoff(sc.restartBase(), sc.restartMax(), random),
                    snap -> onChange(d, snap));
            running.put(d.name(), s);
            record(d, "starting", null, s.pid());
        }
        // The apply CLI starts now and waits for the worker's REST API itself, so its JVM start is off the
        // critical path (Connect is the slowest part to come up).
        ServiceProcess apply = running.containsKey(ServiceDef.CONNECT)
                ? stack.supervise(ServiceProcess.Spec.javaModule("connectors", connectRun, CONNECT_CLI, CLI_HEAP, CLI_JVM, env, logs,
                        List.of("connectors", "apply", "--await-worker", Long.toString(sc.readyTimeout().toSeconds())), cds))
                : null;

        // PostgreSQL migrated
        if (migrate != null) {
            try {
                OptionalInt rc = migrate.waitFor(sc.readyTimeout());
                if (rc.isPresent() && rc.getAsInt() == 0) {
                    ready("migrations", "schema market_data_oltp on " + env.get("POSTGRES_HOST") + ":" + env.get("POSTGRES_PORT")
                            + "/" + env.get("POSTGRES_DB"), "Flyway, ConnectorsCli migrate", migrateT0);
                } else {
                    problem("migrations", (rc.isPresent() ? "failed with exit " + rc.getAsInt() : "did not finish in "
                            + sc.readyTimeout().toSeconds() + " s") + "; see " + logs.resolve("migrate.log")
                            + lastErrorNote(logs.resolve("migrate.log")));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return summary;
            }
        } else {
            problem("migrations", "not run: connect-configs is not built");
        }

        for (ServiceDef d : ServiceDef.ALL) {
            SupervisedService s = running.get(d.name());
            if (s == null) {
                StackState.Service info = stack.service(d.name()).orElseThrow();
                out.printf("stockpipe: %-18s %s: %s%n", d.name(), info.state(), info.note());
                continue;
            }
            boolean ok = awaitHealthy(d, s);
            if (Thread.currentThread().isInterrupted() || stack.isClosed()) {
                return summary;
            }
            String where = url(d.name());
            if (ok) {
                ready(d.name(), where, "pid " + s.pid() + ", -Xmx" + sc.heaps().get(d.name()) + ", log " + logs.resolve(d.name() + ".log"),
                        launchedAt.get(d.name()));
                record(d, "running", null, s.pid());
                summary.add(String.format("  %-20s %s", d.name(), where + summaryNote(d)));
            } else {
                problem(d.name(), "not healthy at " + where + d.healthPath() + " after " + sc.readyTimeout().toSeconds()
                        + " s (still supervised); see " + logs.resolve(d.name() + ".log") + lastErrorNote(logs.resolve(d.name() + ".log")));
                record(d, "not ready", null, s.pid());
            }
            if (ok && ServiceDef.CONNECT.equals(d.name())) {
                awaitConnectors(apply, logs);
            }
        }
        return summary;
    }

    private String summaryNote(ServiceDef d) {
        switch (d.name()) {
            case ServiceDef.CONNECT: return "  (Connect REST; ./stockpipe connectors status)";
            case ServiceDef.ALPACA_SIM: return "  (ws " + url(d.name()).replace("http", "ws") + "/v2/" + sc.feed() + ", admin /admin/stats)";
            case ServiceDef.INGEST_BRIDGE: return "/health, /metrics";
            case ServiceDef.STREAMS_APP: return "/trades/{symbol}/latest, /counters";
            case ServiceDef.BARS_QUERY: return "/bars/{symbol}, /docs";
            case ServiceDef.WS_RELAY: return "/  (page), /ws, /api/bars/{symbol}";
            default: return "";
        }
    }

    private void awaitConnectors(ServiceProcess apply, Path logs) {
        long t0 = System.nanoTime();
        try {
            OptionalInt rc = apply.waitFor(sc.readyTimeout());
            if (rc.isPresent() && rc.getAsInt() == 0) {
                ready("connectors", url(ServiceDef.CONNECT) + "/connectors", "stock-trades-sink, stock-bars-sink applied and RUNNING", t0);
            } else {
                problem("connectors", (rc.isPresent() ? "apply failed with exit " + rc.getAsInt() : "apply did not finish in "
                        + sc.readyTimeout().toSeconds() + " s") + "; see " + logs.resolve("connectors.log")
                        + "; retry with `./stockpipe connectors apply`");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean awaitHealthy(ServiceDef d, SupervisedService s) {
        long deadline = System.nanoTime() + sc.readyTimeout().toNanos();
        String health = url(d.name()) + d.healthPath();
        while (System.nanoTime() < deadline && !stack.isClosed()) {
            if (s.isAlive() && Health.http(health, 2000).healthy()) {
                return true;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private void onChange(ServiceDef d, SupervisedService.Snapshot snap) {
        StackState.Service before = stack.service(d.name()).orElse(null);
        String state = snap.state() == SupervisedService.State.RESTARTING ? "restarting"
                : snap.state() == SupervisedService.State.STOPPED ? "stopped" : "running";
        if (before != null) {
            stack.putService(before.with(snap.pid(), state, snap.restarts(), snap.lastExit()));
        }
    }

    private void record(ServiceDef d, String state, String note, long pid) {
        StackState.Service before = stack.service(d.name()).orElse(null);
        boolean runs = pid > 0 || (before != null && before.pid() > 0);
        StackState.Service s = new StackState.Service(d.name(), d.mainClass(), sc.heaps().get(d.name()),
                ports.getOrDefault(d.name(), -1), runs ? url(d.name()) : null, pid,
                state, before == null ? 0 : before.restarts(), before == null ? null : before.lastExit(),
                cfg.logDir().resolve(d.name() + ".log").toString(), note);
        stack.putService(s);
    }

    static boolean built(Path moduleDir) {
        return Files.isRegularFile(moduleDir.resolve("target/classpath.txt")) && Files.isDirectory(moduleDir.resolve("target/classes"));
    }

    private static String lastErrorNote(Path log) {
        return LogTail.lastError(log).map(e -> "; last error: " + e).orElse("");
    }

    private void ready(String part, String where, String what, long t0) {
        double seconds = (System.nanoTime() - t0) / 1e9;
        String line = String.format("stockpipe: %-18s ready at %s (%s) in %.1f s", part, where, what, seconds);
        out.println(line);
        LOG.info(line);
    }

    private void problem(String part, String what) {
        String line = String.format("stockpipe: %-18s NOT READY: %s", part, what);
        out.println(line);
        LOG.warn(line);
    }
}
